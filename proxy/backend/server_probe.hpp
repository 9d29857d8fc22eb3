#pragma once
// Reads a server's greeting without logging in: how weir learns the version string, character
// set and capabilities it presents to clients as its own.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

#include "backend/backend_connection.hpp"

namespace weir::backend {

boost::asio::awaitable<std::optional<protocol::HandshakeV10>> read_greeting(const Endpoint& endpoint,
                                                                            std::chrono::milliseconds timeout,
                                                                            std::string& error);

}  // namespace weir::backend
