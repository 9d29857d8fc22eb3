#pragma once
// A listening socket per worker, all bound to the same address with SO_REUSEPORT, so the kernel
// spreads new connections over the workers without a shared accept queue.
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <string>

namespace weir::net {

// Binds a socket without SO_REUSEPORT to `endpoint` and lets it go again: fails (address in use)
// when any other socket listens there, even one with SO_REUSEPORT (a second weir would otherwise
// share the port and the kernel would split clients between two unrelated proxies). Returns the
// endpoint with the port the kernel picked for port 0, for every worker to bind.
boost::asio::ip::tcp::endpoint claim_port(boost::asio::io_context& context,
                                          const boost::asio::ip::tcp::endpoint& endpoint,
                                          boost::system::error_code& error);

// Opens, binds (SO_REUSEADDR + SO_REUSEPORT) and listens. Errors name the address.
boost::asio::ip::tcp::acceptor open_listener(boost::asio::io_context& context,
                                             const boost::asio::ip::tcp::endpoint& endpoint, int backlog,
                                             boost::system::error_code& error);

using SessionStarter = std::function<void(boost::asio::ip::tcp::socket)>;

// Accepts until the acceptor is closed; each accepted socket goes to `start_session` on this
// worker. A shortage of descriptors or memory (EMFILE, ...) pauses the loop as AcceptBackoff says,
// logged once per streak; a client's own error (ECONNABORTED) is skipped at once.
boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor, SessionStarter start_session);

}  // namespace weir::net
