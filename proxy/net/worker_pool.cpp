#include "worker_pool.hpp"

#include <pthread.h>

#include <string>

namespace weir::net {

Worker::Worker(std::size_t index) : index_(index), guard_(boost::asio::make_work_guard(context_)) {}

Worker::~Worker() {
  context_.stop();
  join();
}

void Worker::start() {
  thread_ = std::thread([this] {
    const std::string name = "weir-w" + std::to_string(index_);
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    context_.run();
  });
}

void Worker::release() { guard_.reset(); }

void Worker::join() {
  if (thread_.joinable()) thread_.join();
}

WorkerPool::WorkerPool(std::size_t count) {
  if (count == 0) count = std::max(1U, std::thread::hardware_concurrency());
  workers_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) workers_.push_back(std::make_unique<Worker>(i));
}

void WorkerPool::start() {
  for (auto& w : workers_) w->start();
}

void WorkerPool::release() {
  for (auto& w : workers_) w->release();
}

void WorkerPool::stop() {
  for (auto& w : workers_) w->context().stop();
}

void WorkerPool::join() {
  for (auto& w : workers_) w->join();
}

}  // namespace weir::net
