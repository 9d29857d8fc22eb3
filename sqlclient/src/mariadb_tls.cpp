#include "mariadb_tls.hpp"

#include <mysql.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace weir::sqlclient {

namespace {

// The system's trust store where OpenSSL's own default lookup finds it (SSL_CERT_FILE and
// SSL_CERT_DIR first, then the build's defaults), so that libmariadb trusts what the backend
// links' SSL_CTX_set_default_verify_paths trusts.
struct SystemTrust {
  std::string file;
  std::string dir;
};

SystemTrust system_trust() {
  const auto from_env = [](const char* variable, const char* fallback) {
    const char* value = std::getenv(variable);
    return std::string(value != nullptr && *value != '\0' ? value : fallback);
  };
  SystemTrust trust{from_env(X509_get_default_cert_file_env(), X509_get_default_cert_file()),
                    from_env(X509_get_default_cert_dir_env(), X509_get_default_cert_dir())};
  std::error_code ec;
  if (!std::filesystem::is_regular_file(trust.file, ec)) trust.file.clear();
  if (!std::filesystem::is_directory(trust.dir, ec)) trust.dir.clear();
  return trust;
}

}  // namespace

void apply_tls(MYSQL* mysql, const TlsPolicy& policy) {
  const my_bool enforce = policy.encrypt ? 1 : 0;
  mysql_optionsv(mysql, MYSQL_OPT_SSL_ENFORCE, &enforce);
  if (!policy.encrypt) return;
  if (!policy.cert_file.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CERT, policy.cert_file.c_str());
  if (!policy.key_file.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_KEY, policy.key_file.c_str());
  // libmariadb checks the chain exactly when it is given CAs, and the host name only with
  // VERIFY_SERVER_CERT: no CAs for `none`, CAs without the name check for `ca`, both for `full`.
  if (policy.ca_source == CaSource::file) {
    mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, policy.ca_file.c_str());
  } else if (policy.ca_source == CaSource::system) {
    const SystemTrust trust = system_trust();
    if (!trust.file.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CA, trust.file.c_str());
    // A directory that does not exist still makes libmariadb check the chain (and fail): no
    // trust store must not mean no check.
    const std::string dir = trust.dir.empty() && trust.file.empty() ? X509_get_default_cert_dir() : trust.dir;
    if (!dir.empty()) mysql_optionsv(mysql, MYSQL_OPT_SSL_CAPATH, dir.c_str());
  }
  const my_bool verify_name = policy.verify_host_name ? 1 : 0;
  mysql_optionsv(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify_name);
}

}  // namespace weir::sqlclient
