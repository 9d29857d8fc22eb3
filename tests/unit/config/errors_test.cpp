// Every kind of error, with its exact message and place.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_support.hpp"
#include "weir/config/config.hpp"

namespace weir::config {
namespace {

using ::testing::ElementsAre;
using testing::errors_of;
using testing::kMinimal;

struct ErrorCase {
  const char* name;
  std::string yaml;
  std::vector<std::string> expected;
};

// Each case appends to kMinimal (3 lines), so its first line is line 4.
const ErrorCase kCases[] = {
    {"port_not_a_number",
     "listen:\n  port: abc\n",
     {R"(weir.yaml:5:9: listen.port: expected an integer 0..65535, found "abc")"}},
    {"port_out_of_range",
     "listen: {port: 70000}\n",
     {R"(weir.yaml:4:16: listen.port: expected an integer 0..65535, found "70000")"}},
    {"port_negative",
     "listen: {port: -1}\n",
     {R"(weir.yaml:4:16: listen.port: expected an integer 0..65535, found "-1")"}},
    {"port_empty",
     "listen:\n  port:\n",
     {R"(weir.yaml:5:3: listen.port: expected an integer 0..65535, found nothing)"}},
    {"section_not_a_mapping", "listen: 6033\n", {R"(weir.yaml:4:9: listen: expected a mapping, found "6033")"}},
    {"section_is_a_list", "routing: [a]\n", {R"(weir.yaml:4:10: routing: expected a mapping, found a list)"}},
    {"address_not_ip",
     "listen: {address: localhost}\n",
     {R"(weir.yaml:4:19: listen.address: expected an IPv4 or IPv6 address such as 127.0.0.1, 0.0.0.0 or ::, found "localhost")"}},
    {"bool_yes",
     "pool: {reset_on_reuse: yes}\n",
     {R"(weir.yaml:4:24: pool.reset_on_reuse: expected true or false, found "yes")"}},
    {"duration_without_unit",
     "timeouts:\n  connect: 250\n",
     {R"(weir.yaml:5:12: timeouts.connect: expected a duration with a unit: us, ms, s, m or h (e.g. 250ms, 1.5s), found "250")"}},
    {"duration_zero_not_allowed",
     "timeouts: {connect: 0s}\n",
     {R"(weir.yaml:4:21: timeouts.connect: expected a duration of at least 1ms, found "0s")"}},
    {"size_decimal_unit",
     "workers: {buffer_size: 64KB}\n",
     {R"(weir.yaml:4:24: workers.buffer_size: expected a size with a unit: B, KiB, MiB or GiB (e.g. 64KiB), found "64KB")"}},
    {"size_out_of_range",
     "workers: {buffer_size: 1GiB}\n",
     {R"(weir.yaml:4:24: workers.buffer_size: expected a size from 1KiB to 64MiB, found "1GiB")"}},
    {"workers_count",
     "workers: {count: many}\n",
     {R"(weir.yaml:4:18: workers.count: expected auto or an integer 0..1024, found "many")"}},
    {"unknown_key_with_suggestion",
     "monitor_typo: 1\nroutng: {}\n",
     {R"(weir.yaml:4:1: monitor_typo: unknown key "monitor_typo" (expected one of: listen, workers, admin, tls, users, monitor, load_users_from_backend, backends, routing, timeouts, pool, log, metrics))",
      R"(weir.yaml:5:1: routng: unknown key "routng"; did you mean "routing"?)"}},
    {"unknown_nested_key_with_suggestion",
     "timeouts:\n  conect: 1s\n",
     {R"(weir.yaml:5:3: timeouts.conect: unknown key "conect"; did you mean "connect"?)"}},
    {"unknown_key_transposed",
     "listen: {prot: 1}\n",
     {R"(weir.yaml:4:10: listen.prot: unknown key "prot"; did you mean "port"?)"}},
    {"enum_with_suggestion",
     "routing: {when_no_replica: primay}\n",
     {R"(weir.yaml:4:28: routing.when_no_replica: expected one of primary, error, least_lagged, found "primay"; did you mean "primary"?)"}},
    {"enum_without_suggestion",
     "log: {format: xml}\n",
     {R"(weir.yaml:4:15: log.format: expected one of logfmt, json, found "xml")"}},
    {"duplicate_key",
     "log: {level: info}\nlog: {level: debug}\n",
     {R"(weir.yaml:5:1: log: duplicate key (first given at line 4))"}},
    {"hysteresis_above_lag",
     "routing: {max_replica_lag: 500ms, lag_hysteresis: 600ms}\n",
     {R"(weir.yaml:4:51: routing.lag_hysteresis: expected a percentage of max_replica_lag (1%..99%) or a duration below max_replica_lag (500ms), found "600ms")"}},
    {"hysteresis_percent_out_of_range",
     "routing: {lag_hysteresis: 100%}\n",
     {R"(weir.yaml:4:27: routing.lag_hysteresis: expected a percentage of max_replica_lag (1%..99%) or a duration below max_replica_lag (1s), found "100%")"}},
    {"buckets_not_ascending",
     "metrics: {histogram_buckets: [1ms, 5ms, 2ms, 0]}\n",
     {R"(weir.yaml:4:41: metrics.histogram_buckets[2]: expected a duration above the previous bucket and above 0, found "2ms")",
      R"(weir.yaml:4:46: metrics.histogram_buckets[3]: expected a duration above the previous bucket and above 0, found "0")"}},
    {"tls_enabled_without_files",
     "tls:\n  client:\n    enabled: true\n",
     {R"(weir.yaml:6:5: tls.client: missing cert_file (required when enabled: true))",
      R"(weir.yaml:6:5: tls.client: missing key_file (required when enabled: true))"}},
    {"tls_required_without_enabled",
     "tls: {client: {required: true}}\n",
     {R"(weir.yaml:4:26: tls.client.required: required: true needs enabled: true)"}},
    {"tls_unreadable_cert",
     "tls: {client: {enabled: true, cert_file: /nonexistent/c.pem, key_file: /nonexistent/k.pem}}\n",
     {R"(weir.yaml:4:42: tls.client.cert_file: cannot read "/nonexistent/c.pem": No such file or directory)",
      R"(weir.yaml:4:72: tls.client.key_file: cannot read "/nonexistent/k.pem": No such file or directory)"}},
    {"tls_backend_cert_without_key",
     "tls: {backend: {cert_file: /x.pem}}\n",
     {R"(weir.yaml:4:16: tls.backend: missing key_file (required with cert_file))"}},
    {"tls_verify_enum",
     "tls: {backend: {verify: yes}}\n",
     {R"(weir.yaml:4:25: tls.backend.verify: expected one of none, ca, full, found "yes")"}},
    {"admin_port_clash",
     "admin: {port: 6033}\n",
     {R"(weir.yaml:4:15: admin.port: the admin port 6033 is also listen.port)"}},
    {"two_documents", "---\nlog: {}\n", {R"(weir.yaml:5:1: expected one YAML document, found 2)"}},
    {"yaml_syntax", "log: [a,\nb: c\n", {R"(weir.yaml:6:1: invalid YAML: end of sequence flow not found)"}},
    {"unknown_top_level_key_with_suggestion",
     "users_x: 1\n",
     {R"(weir.yaml:4:1: users_x: unknown key "users_x"; did you mean "users"?)"}},
    {"unknown_key_in_a_section_lists_the_known_ones",
     "pool: {size: 3}\n",
     {R"(weir.yaml:4:8: pool.size: unknown key "size" (expected one of: max_idle_per_worker, max_per_backend, idle_timeout, reset_on_reuse, multiplexing, prepared_statements_per_connection, multiplexing_by_user))"}},
    {"multiplexing_by_user_without_user",
     "pool: {multiplexing_by_user: [{multiplexing: false}]}\n",
     {R"(weir.yaml:4:31: pool.multiplexing_by_user[0]: expected user: the account's name)"}},
    {"multiplexing_by_user_without_the_switch",
     "pool: {multiplexing_by_user: [{user: app}]}\n",
     {R"(weir.yaml:4:31: pool.multiplexing_by_user[0]: expected multiplexing: true or false for the user)"}},
    {"multiplexing_by_user_twice",
     "pool: {multiplexing_by_user: [{user: app, multiplexing: true}, {user: app, multiplexing: false}]}\n",
     {R"(weir.yaml:4:64: pool.multiplexing_by_user[1]: the user "app" is listed twice)"}},
    {"max_per_backend_is_never_off",
     "pool: {max_per_backend: 0}\n",
     {R"(weir.yaml:4:25: pool.max_per_backend: expected auto or an integer 1..100000, found "0")"}},
    {"list_expected",
     "metrics: {histogram_buckets: 1ms}\n",
     {R"(weir.yaml:4:30: metrics.histogram_buckets: expected a list, found "1ms")"}},
    {"string_expected",
     "tls: {backend: {enabled: true, ca_file: [a]}}\n",
     {R"(weir.yaml:4:41: tls.backend.ca_file: expected a string, found a list)"}},
    {"all_errors_at_once",
     "listen: {port: x, backlog: 0}\ntimeouts: {query: 5}\n",
     {R"(weir.yaml:4:16: listen.port: expected an integer 0..65535, found "x")",
      R"(weir.yaml:4:28: listen.backlog: expected an integer 1..65535, found "0")",
      R"(weir.yaml:5:19: timeouts.query: expected a duration with a unit: us, ms, s, m or h (e.g. 250ms, 1.5s), found "5")"}},
};

class ErrorMessages : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorMessages, Exact) { EXPECT_EQ(errors_of(kMinimal + GetParam().yaml), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(Config, ErrorMessages, ::testing::ValuesIn(kCases),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

// Cases that need the whole document rather than an addition to the minimal one.
struct DocumentCase {
  const char* name;
  std::string yaml;
  std::vector<std::string> expected;
};

const DocumentCase kDocuments[] = {
    {"empty_file",
     "",
     {R"(weir.yaml:1:1: monitor: missing section (the account for health checks: user and password))",
      R"(weir.yaml:1:1: backends: missing section (the database servers: discovery and static, dns or kubernetes))",
      R"(weir.yaml:1:1: users: expected at least one user, or load_users_from_backend.enabled: true)"}},
    {"not_a_mapping",
     "- a\n- b\n",
     {R"(weir.yaml:1:1: expected a mapping, found a list)",
      R"(weir.yaml:1:1: monitor: missing section (the account for health checks: user and password))",
      R"(weir.yaml:1:1: backends: missing section (the database servers: discovery and static, dns or kubernetes))",
      R"(weir.yaml:1:1: users: expected at least one user, or load_users_from_backend.enabled: true)"}},
    {"monitor_without_user_and_password",
     "monitor: {check_interval: 1s}\nbackends: {static: [{host: db, role: primary}]}\nusers: [{name: a, password: "
     "\"\"}]\n",
     {R"(weir.yaml:1:10: monitor: missing user)",
      R"(weir.yaml:1:10: monitor: missing password (give one of password, password_file or password_env))"}},
    {"backend_port_not_a_number",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\nbackends:\n  static:\n"
     "    - {host: db0, role: primary}\n    - host: db1\n      port: abc\n",
     {R"(weir.yaml:7:13: backends.static[1].port: expected an integer 1..65535, found "abc")"}},
    {"no_primary",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\nbackends:\n  static:\n"
     "    - {host: db0}\n    - {host: db1}\n",
     {R"(weir.yaml:5:5: backends.static: expected exactly one backend with role: primary, found none)"}},
    {"two_primaries",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\nbackends:\n  static:\n"
     "    - {host: db0, role: primary}\n    - {host: db1, role: primary}\n",
     {R"(weir.yaml:6:7: backends.static[1]: expected exactly one backend with role: primary, found another at backends.static[0])"}},
    {"duplicate_backend_name_and_address",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\nbackends:\n  static:\n"
     "    - {name: a, host: db0, role: primary}\n    - {name: a, host: db0}\n",
     {R"(weir.yaml:6:7: backends.static[1]: the name "a" is also used by backends.static[0])",
      R"(weir.yaml:6:7: backends.static[1]: the address db0:3306 is also used by backends.static[0])"}},
    {"backend_missing_host_and_bad_role",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\nbackends:\n  static:\n"
     "    - {role: primary}\n    - {host: \"db 1\", role: master}\n",
     {R"(weir.yaml:5:7: backends.static[0]: missing host)",
      R"(weir.yaml:6:14: backends.static[1].host: expected a host name or IP address, found "db 1")",
      R"(weir.yaml:6:28: backends.static[1].role: expected one of primary, replica, found "master")"}},
    {"empty_static_list",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\nbackends: {static: []}\n",
     {R"(weir.yaml:3:20: backends.static: expected at least one backend, found an empty list)"}},
    {"dns_block_with_static_discovery",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\n"
     "backends:\n  static: [{host: db, role: primary}]\n  dns: {primary: db}\n",
     {R"(weir.yaml:5:8: backends.dns: only used with discovery: dns (discovery is static))"}},
    {"dns_without_block",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\nbackends: {discovery: dns}\n",
     {R"(weir.yaml:3:11: backends: missing dns (the names to resolve for discovery: dns))"}},
    {"dns_bad_primary_and_missing_replicas",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\n"
     "backends: {discovery: dns, dns: {primary: \"db:99999\"}}\n",
     {R"(weir.yaml:3:33: backends.dns: missing replicas)",
      R"(weir.yaml:3:43: backends.dns.primary: expected host:port such as mysql-0.mysql:3306, found "db:99999")"}},
    {"discovery_unknown",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\nbackends: {discovery: consul}\n",
     {R"(weir.yaml:3:23: backends.discovery: expected one of static, dns, kubernetes, found "consul")"}},
    {"kubernetes_bad_names_and_port",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\n"
     "backends: {discovery: kubernetes, kubernetes: {service: My_Db, namespace: \"-x\", port: 0}}\n",
     {R"(weir.yaml:3:57: backends.kubernetes.service: expected a Kubernetes name (lower-case letters, digits and '-', at most 63), found "My_Db")",
      R"(weir.yaml:3:75: backends.kubernetes.namespace: expected a Kubernetes name (lower-case letters, digits and '-', at most 63), found "-x")",
      R"(weir.yaml:3:87: backends.kubernetes.port: expected an integer 1..65535, found "0")"}},
    {"kubernetes_block_with_dns_discovery",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, password: \"\"}]\n"
     "backends:\n  discovery: dns\n  dns: {primary: db, replicas: r}\n  kubernetes: {service: mysql}\n",
     {R"(weir.yaml:6:15: backends.kubernetes: only used with discovery: kubernetes (discovery is dns))"}},
    {"user_errors",
     "monitor: {user: m, password: \"\"}\nbackends: {static: [{host: db, role: primary}]}\nusers:\n"
     "  - {name: a}\n  - {name: b, password: x, password_hash: \"*6D8E7CA2D13CBEBC74BE7EF3A2976000952DCE92\"}\n"
     "  - {name: c, password_hash: \"*123\"}\n  - {password: \"\"}\n  - {name: c, password_hash: "
     "\"*6D8E7CA2D13CBEBC74BE7EF3A2976000952DCE92\"}\n",
     {R"(weir.yaml:4:5: users[0]: missing password (give one of password, password_file, password_env or password_hash))",
      R"(weir.yaml:5:43: users[1].password_hash: give either password (or password_file, password_env) or password_hash, not both)",
      R"(weir.yaml:6:30: users[2].password_hash: expected a mysql_native_password hash: "*" and 40 hex digits (41 characters), found a 4-character value)",
      R"(weir.yaml:7:5: users[3]: missing name)",
      R"(weir.yaml:8:5: users[4]: the user "c" is also defined at users[2])"}},
    {"unknown_key_in_backend_item",
     "monitor: {user: m, password: \"\"}\nusers: [{name: a, passwrd: x}]\nbackends:\n  static:\n"
     "    - host: db\n      role: primary\n      wieght: 2\n",
     {R"(weir.yaml:2:9: users[0]: missing password (give one of password, password_file, password_env or password_hash))",
      R"(weir.yaml:2:19: users[0].passwrd: unknown key "passwrd"; did you mean "password"?)",
      R"(weir.yaml:7:7: backends.static[0].wieght: unknown key "wieght"; did you mean "weight"?)"}},
    {"empty_users_list",
     "monitor: {user: m, password: \"\"}\nbackends: {static: [{host: db, role: primary}]}\nusers: []\n",
     {R"(weir.yaml:3:8: users: expected at least one user, or load_users_from_backend.enabled: true)"}},
    {"heartbeat_table_format",
     "monitor: {user: m, password: \"\", heartbeat: {table: heartbeat}}\n"
     "backends: {static: [{host: db, role: primary}]}\nusers: [{name: a, password: \"\"}]\n",
     {R"(weir.yaml:1:53: monitor.heartbeat.table: expected schema.table (letters, digits, _ and $), found "heartbeat")"}},
};

class DocumentErrors : public ::testing::TestWithParam<DocumentCase> {};

TEST_P(DocumentErrors, Exact) { EXPECT_EQ(errors_of(GetParam().yaml), GetParam().expected); }

INSTANTIATE_TEST_SUITE_P(Config, DocumentErrors, ::testing::ValuesIn(kDocuments),
                         [](const auto& test_info) { return std::string(test_info.param.name); });

TEST(ConfigErrors, MinimalConfigIsValid) {
  const ConfigResult r = parse_config(kMinimal, "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_TRUE(r.errors.empty());
}

TEST(ConfigErrors, UsersMayBeEmptyWhenLoadedFromTheBackend) {
  const ConfigResult r = parse_config(
      "monitor: {user: m, password: \"\"}\nbackends: {static: [{host: db, role: primary}]}\n"
      "load_users_from_backend: {enabled: true}\n",
      "weir.yaml");
  ASSERT_TRUE(r.ok()) << r.error_text();
  EXPECT_EQ(r.config->load_users_from_backend.user, "m");
}

TEST(ConfigErrors, ErrorTextHasOneLinePerError) {
  const ConfigResult r = parse_config(kMinimal + "listen: {port: x, backlog: 0}\n", "weir.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.config, nullptr);
  EXPECT_EQ(r.error_text(),
            "weir.yaml:4:16: listen.port: expected an integer 0..65535, found \"x\"\n"
            "weir.yaml:4:28: listen.backlog: expected an integer 1..65535, found \"0\"\n");
}

TEST(ConfigErrors, ErrorFieldsArePrecise) {
  const ConfigResult r = parse_config(kMinimal + "listen:\n  port: abc\n", "my.yaml");
  ASSERT_EQ(r.errors.size(), 1U);
  EXPECT_EQ(r.errors[0].origin, "my.yaml");
  EXPECT_EQ(r.errors[0].line, 5);
  EXPECT_EQ(r.errors[0].column, 9);
  EXPECT_EQ(r.errors[0].path, "listen.port");
  EXPECT_EQ(r.errors[0].message, "expected an integer 0..65535, found \"abc\"");
}

TEST(ConfigErrors, MissingFileIsAnError) {
  const ConfigResult r = load_config_file("/nonexistent/weir.yaml");
  EXPECT_THAT(testing::error_lines(r),
              ElementsAre("/nonexistent/weir.yaml: cannot read the file: No such file or directory"));
}

TEST(ConfigErrors, LongValuesAreCutInMessages) {
  const std::string long_value(100, 'x');
  EXPECT_THAT(errors_of(kMinimal + "log: {level: " + long_value + "}\n"),
              ElementsAre("weir.yaml:4:14: log.level: expected one of trace, debug, info, warn, error, found \"" +
                          std::string(60, 'x') + "...\""));
}

}  // namespace
}  // namespace weir::config
