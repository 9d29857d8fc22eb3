#pragma once
// Waiting for a connection slot (connection_slots.hpp) on a worker without blocking its thread:
// the coroutine sleeps on a timer of its own executor; the thread that gives a slot back wakes it
// by posting a cancel of that timer.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>

#include "backend/connection_slots.hpp"

namespace weir::backend {

// A slot of `slots` as soon as one is handed over, or an empty Slot after `limit`.
boost::asio::awaitable<Slot> wait_for_slot(std::shared_ptr<BackendSlots> slots,
                                           std::chrono::steady_clock::duration limit);

}  // namespace weir::backend
