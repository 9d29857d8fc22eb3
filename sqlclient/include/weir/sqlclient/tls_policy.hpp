#pragma once
// What `tls.backend` means, decided once: every link weir opens to a database server (the
// sessions' backend links over Asio + OpenSSL, and the monitor, the user loader and the pod
// tools over libmariadb) asks tls_policy() and does what it says.
//
//   enabled: false  plain TCP
//   verify: none    TLS, any certificate accepted
//   verify: ca      TLS, the chain checked against ca_file (the system's CAs when it is empty),
//                   the host name not checked
//   verify: full    as ca, and the certificate must name the host weir connects to
#include <cstdint>
#include <string>

namespace weir::sqlclient {

// The settings as configured (config::BackendTlsConfig is this type).
struct TlsSettings {
  enum class Verify : std::uint8_t { none, ca, full };
  bool enabled = false;
  std::string ca_file;  // empty = the system's trust store
  Verify verify = Verify::full;
  std::string cert_file;  // optional client certificate, with key_file
  std::string key_file;
  friend bool operator==(const TlsSettings&, const TlsSettings&) = default;
};

// Where the trusted CAs come from when the chain is checked.
enum class CaSource : std::uint8_t { none, file, system };

// What a link does with the settings.
struct TlsPolicy {
  bool encrypt = false;
  bool verify_chain = false;
  bool verify_host_name = false;
  CaSource ca_source = CaSource::none;
  std::string ca_file;    // with CaSource::file
  std::string cert_file;  // the client certificate, or empty
  std::string key_file;
  friend bool operator==(const TlsPolicy&, const TlsPolicy&) = default;
};

TlsPolicy tls_policy(const TlsSettings& settings);

}  // namespace weir::sqlclient
