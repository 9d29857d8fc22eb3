#pragma once
// One io_context per worker thread. A session lives on the worker that accepted it, with its
// backend connections and pool on that worker: nothing on the data path is shared between threads.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include "net/deadline_list.hpp"

namespace weir::net {

class Worker {
 public:
  explicit Worker(std::size_t index);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  ~Worker();

  boost::asio::io_context& context() { return context_; }
  // The one timer behind every deadline of this worker's sessions.
  DeadlineList& deadlines() { return deadlines_; }
  std::size_t index() const { return index_; }

  void start();
  // Lets the io_context return once its work is done (sessions ended).
  void release();
  void join();

 private:
  std::size_t index_;
  // One thread runs it, and only that thread touches its sockets (other threads post to it):
  // Asio's per-socket locks are left out (its scheduler still takes posts from any thread).
  boost::asio::io_context context_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  // After the context: destroyed first (its timer belongs to the context), it unlinks what is
  // left, so sessions freed with the context later touch nothing.
  DeadlineList deadlines_{context_.get_executor()};
  std::thread thread_;
};

class WorkerPool {
 public:
  // count == 0 means one worker per core.
  explicit WorkerPool(std::size_t count);

  std::size_t size() const { return workers_.size(); }
  Worker& operator[](std::size_t i) { return *workers_[i]; }
  void start();
  void release();
  void stop();  // hard stop: every io_context returns at once
  void join();

 private:
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace weir::net
