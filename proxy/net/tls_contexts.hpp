#pragma once
// The OpenSSL contexts of the data plane: one for clients (the listener's side), one for the
// backend links. Built once at start; every worker shares them.
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "weir/config/config.hpp"
#include "weir/sqlclient/tls_policy.hpp"

namespace weir::net {

// The cipher policy clients meet, for TLS 1.2 (TLS 1.3 keeps OpenSSL's defaults, all of them
// AEAD): forward-secret key exchange with AEAD ciphers only (Mozilla's "intermediate" set).
inline constexpr const char* kClientTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

// The server context for clients: TLS 1.2 at least, the cipher policy above, the certificate and
// key of tls.client, and with tls.client.ca_file a client certificate required. nullptr with
// `error` naming the setting when a file cannot be used.
std::unique_ptr<boost::asio::ssl::context> client_tls_context(const config::ClientTlsConfig& tls, std::string& error);

// The client context for backend links, as the TLS policy says (the host name itself is checked
// per link, see Stream::tls_connect). nullptr with `error` set on failure.
std::unique_ptr<boost::asio::ssl::context> backend_tls_context(const sqlclient::TlsPolicy& policy, std::string& error);

}  // namespace weir::net
