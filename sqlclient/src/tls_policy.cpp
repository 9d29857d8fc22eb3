#include "weir/sqlclient/tls_policy.hpp"

namespace weir::sqlclient {

TlsPolicy tls_policy(const TlsSettings& settings) {
  TlsPolicy policy;
  if (!settings.enabled) return policy;
  policy.encrypt = true;
  policy.cert_file = settings.cert_file;
  policy.key_file = settings.key_file;
  if (settings.verify == TlsSettings::Verify::none) return policy;
  policy.verify_chain = true;
  policy.verify_host_name = settings.verify == TlsSettings::Verify::full;
  if (settings.ca_file.empty()) {
    policy.ca_source = CaSource::system;
  } else {
    policy.ca_source = CaSource::file;
    policy.ca_file = settings.ca_file;
  }
  return policy;
}

}  // namespace weir::sqlclient
