#include "net/tls_contexts.hpp"

#include <openssl/ssl.h>

namespace weir::net {

namespace ssl = boost::asio::ssl;

std::unique_ptr<ssl::context> client_tls_context(const config::ClientTlsConfig& tls, std::string& error) {
  boost::system::error_code ec;
  auto context = std::make_unique<ssl::context>(ssl::context::tls_server);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                       ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  // The floor itself, not only the options: a build whose defaults allow older versions still refuses them.
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);
  if (SSL_CTX_set_cipher_list(context->native_handle(), kClientTls12Ciphers) != 1) {
    error = "tls.client: OpenSSL accepts none of the TLS 1.2 ciphers";
    return nullptr;
  }
  SSL_CTX_set_options(context->native_handle(), SSL_OP_CIPHER_SERVER_PREFERENCE);
  context->use_certificate_chain_file(tls.cert_file, ec);
  if (ec) {
    error = "tls.client.cert_file " + tls.cert_file + ": " + ec.message();
    return nullptr;
  }
  context->use_private_key_file(tls.key_file, ssl::context::pem, ec);
  if (ec) {
    error = "tls.client.key_file " + tls.key_file + ": " + ec.message();
    return nullptr;
  }
  if (!tls.ca_file.empty()) {
    context->load_verify_file(tls.ca_file, ec);
    if (ec) {
      error = "tls.client.ca_file " + tls.ca_file + ": " + ec.message();
      return nullptr;
    }
    context->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  }
  return context;
}

std::unique_ptr<ssl::context> backend_tls_context(const sqlclient::TlsPolicy& policy, std::string& error) {
  boost::system::error_code ec;
  auto context = std::make_unique<ssl::context>(ssl::context::tls_client);
  if (policy.verify_chain) {
    if (policy.ca_source == sqlclient::CaSource::system) {
      context->set_default_verify_paths(ec);
    } else {
      context->load_verify_file(policy.ca_file, ec);
    }
    if (ec) {
      error = "tls.backend.ca_file " + policy.ca_file + ": " + ec.message();
      return nullptr;
    }
    context->set_verify_mode(ssl::verify_peer);
  } else {
    context->set_verify_mode(ssl::verify_none);
  }
  if (!policy.cert_file.empty()) {
    context->use_certificate_chain_file(policy.cert_file, ec);
    if (!ec) context->use_private_key_file(policy.key_file, ssl::context::pem, ec);
    if (ec) {
      error = "tls.backend client certificate: " + ec.message();
      return nullptr;
    }
  }
  return context;
}

}  // namespace weir::net
