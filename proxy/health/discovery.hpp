#pragma once
// Where the backends are: a fixed list from the configuration, or DNS names looked up again and
// again (Kubernetes headless Services). The monitor asks for the current list every round.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "weir/config/config.hpp"

namespace weir::health {

struct DiscoveredBackend {
  std::string name;  // stable: the config name, or host:port
  std::string host;
  std::uint16_t port = 3306;
  config::Role role = config::Role::replica;
  std::uint32_t weight = 1;
  friend bool operator==(const DiscoveredBackend&, const DiscoveredBackend&) = default;
};

class Discovery {
 public:
  virtual ~Discovery() = default;
  // The current list, primary first. May block on DNS when a refresh is due. Never throws; when
  // a lookup fails the last good list stays (see last_error()).
  virtual std::vector<DiscoveredBackend> backends(std::chrono::steady_clock::time_point now) = 0;
  // The last lookup's failure ("replicas.svc: Name or service not known"); empty when it worked.
  virtual std::string last_error() const { return {}; }
};

class StaticDiscovery final : public Discovery {
 public:
  explicit StaticDiscovery(const std::vector<config::StaticBackend>& backends);
  std::vector<DiscoveredBackend> backends(std::chrono::steady_clock::time_point now) override;

 private:
  std::vector<DiscoveredBackend> backends_;
};

struct SrvTarget {
  std::string target;  // host name, without the trailing dot
  std::uint16_t port = 0;
  friend bool operator==(const SrvTarget&, const SrvTarget&) = default;
};

// A DNS answer for an SRV query (as res_query returns it) -> its SRV records; nullopt when the
// message is malformed. Pure, for tests.
std::optional<std::vector<SrvTarget>> parse_srv_answer(const unsigned char* message, std::size_t size);

// The lookups DnsDiscovery needs; the system's by default, a table in unit tests.
struct Resolver {
  struct Addresses {
    std::vector<std::string> addresses;  // numeric, v4 and v6
    std::string error;                   // set when the lookup failed
  };
  struct Srv {
    std::vector<SrvTarget> targets;
    std::string error;
  };
  std::function<Addresses(const std::string& name)> addresses;  // A/AAAA via getaddrinfo
  std::function<Srv(const std::string& name)> srv;              // SRV via res_query

  static Resolver system();
};

class DnsDiscovery final : public Discovery {
 public:
  explicit DnsDiscovery(config::DnsDiscovery settings, Resolver resolver = Resolver::system());
  std::vector<DiscoveredBackend> backends(std::chrono::steady_clock::time_point now) override;
  std::string last_error() const override { return error_; }

 private:
  void refresh();

  config::DnsDiscovery settings_;
  Resolver resolver_;
  std::optional<std::chrono::steady_clock::time_point> refreshed_at_;
  std::vector<std::string> primary_addresses_;  // last known, to skip them among the replicas
  std::vector<DiscoveredBackend> replicas_;
  std::string error_;
};

std::unique_ptr<Discovery> make_discovery(const config::BackendsConfig& backends);

}  // namespace weir::health
