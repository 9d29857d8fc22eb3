#pragma once
// Waiting for a connection slot (connection_slots.hpp) on a worker without blocking its thread:
// the coroutine sleeps on a timer of its own executor; the thread that gives a slot back wakes it
// by posting a cancel of that timer.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>

#include "backend/connection_slots.hpp"

namespace weir::backend {

// A slot of `slots` as soon as one is handed over, or an empty Slot after `limit`. `on_waiting`,
// when given, is called once before the wait with a function that ends it early on this worker
// (an empty Slot: something else the caller waits for came, e.g. a connection lent to the pool).
boost::asio::awaitable<Slot> wait_for_slot(std::shared_ptr<BackendSlots> slots,
                                           std::chrono::steady_clock::duration limit,
                                           std::function<void(std::function<void()> end_wait)> on_waiting = {});

}  // namespace weir::backend
