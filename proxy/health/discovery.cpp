#include "health/discovery.hpp"

#include "health/kubernetes_discovery.hpp"

#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <utility>

namespace weir::health {

namespace {

std::string endpoint_name(const std::string& host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Resolver::Addresses system_addresses(const std::string& name) {
  Resolver::Addresses out;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  if (const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &list); rc != 0) {
    out.error = name + ": " + gai_strerror(rc);
    return out;
  }
  for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
    std::array<char, NI_MAXHOST> text{};
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, text.data(), text.size(), nullptr, 0, NI_NUMERICHOST) != 0) continue;
    std::string address(text.data());
    if (!contains(out.addresses, address)) out.addresses.push_back(std::move(address));
  }
  freeaddrinfo(list);
  return out;
}

Resolver::Srv system_srv(const std::string& name) {
  Resolver::Srv out;
  // res_nquery with a state of our own: the monitor thread must not share _res with others.
  struct __res_state state {};
  if (res_ninit(&state) != 0) {
    out.error = name + ": cannot read the resolver configuration";
    return out;
  }
  std::array<unsigned char, 65536> answer{};
  const int size = res_nquery(&state, name.c_str(), ns_c_in, ns_t_srv, answer.data(), static_cast<int>(answer.size()));
  const int herr = state.res_h_errno;
  res_nclose(&state);
  if (size < 0) {
    out.error = name + ": SRV lookup failed (" + hstrerror(herr) + ")";
    return out;
  }
  auto targets = parse_srv_answer(answer.data(), static_cast<std::size_t>(size));
  if (!targets) {
    out.error = name + ": malformed SRV answer";
    return out;
  }
  out.targets = std::move(*targets);
  return out;
}

}  // namespace

std::optional<std::vector<SrvTarget>> parse_srv_answer(const unsigned char* message, std::size_t size) {
  ns_msg handle{};
  if (ns_initparse(message, static_cast<int>(size), &handle) != 0) return std::nullopt;
  std::vector<SrvTarget> out;
  const int count = ns_msg_count(handle, ns_s_an);
  for (int i = 0; i < count; ++i) {
    ns_rr record{};
    if (ns_parserr(&handle, ns_s_an, i, &record) != 0) return std::nullopt;
    if (ns_rr_type(record) != ns_t_srv) continue;  // CNAMEs of the chain
    const unsigned char* rdata = ns_rr_rdata(record);
    const auto rdlen = ns_rr_rdlen(record);
    if (rdlen < 7) return std::nullopt;  // priority, weight, port, at least the root name
    const auto port = static_cast<std::uint16_t>((rdata[4] << 8) | rdata[5]);
    std::array<char, NS_MAXDNAME> target{};
    if (dn_expand(ns_msg_base(handle), ns_msg_end(handle), rdata + 6, target.data(), static_cast<int>(target.size())) <
        0) {
      return std::nullopt;
    }
    std::string host(target.data());
    while (!host.empty() && host.back() == '.') host.pop_back();
    if (host.empty()) continue;  // "." = the service is decidedly not available
    out.push_back(SrvTarget{std::move(host), port});
  }
  return out;
}

Resolver Resolver::system() { return Resolver{system_addresses, system_srv}; }

StaticDiscovery::StaticDiscovery(const std::vector<config::StaticBackend>& backends) {
  for (const auto& b : backends) {
    DiscoveredBackend d{b.name.empty() ? endpoint_name(b.host, b.port) : b.name, b.host, b.port, b.role, b.weight};
    // The primary first, as the other discoveries list it.
    if (b.role == config::Role::primary) {
      backends_.insert(backends_.begin(), std::move(d));
    } else {
      backends_.push_back(std::move(d));
    }
  }
}

std::vector<DiscoveredBackend> StaticDiscovery::backends(std::chrono::steady_clock::time_point) { return backends_; }

DnsDiscovery::DnsDiscovery(config::DnsDiscovery settings, Resolver resolver)
    : settings_(std::move(settings)), resolver_(std::move(resolver)) {}

std::vector<DiscoveredBackend> DnsDiscovery::backends(std::chrono::steady_clock::time_point now) {
  if (!refreshed_at_ || now - *refreshed_at_ >= settings_.refresh_interval) {
    refresh();
    refreshed_at_ = now;
  }
  std::vector<DiscoveredBackend> out;
  out.push_back(DiscoveredBackend{endpoint_name(settings_.primary_host, settings_.primary_port), settings_.primary_host,
                                  settings_.primary_port, config::Role::primary, 1});
  out.insert(out.end(), replicas_.begin(), replicas_.end());
  return out;
}

void DnsDiscovery::refresh() {
  std::vector<std::string> errors;
  auto primary = resolver_.addresses(settings_.primary_host);
  if (primary.error.empty()) {
    primary_addresses_ = std::move(primary.addresses);
  } else {
    errors.push_back(primary.error);  // keep the last known addresses to skip
  }
  const auto is_primary = [&](const std::string& address, std::uint16_t port) {
    return port == settings_.primary_port && contains(primary_addresses_, address);
  };

  std::vector<DiscoveredBackend> replicas;
  bool failed = false;
  if (!settings_.replicas.empty() && settings_.replicas.front() == '_') {
    const auto srv = resolver_.srv(settings_.replicas);
    failed = !srv.error.empty();
    if (failed) errors.push_back(srv.error);
    for (const auto& target : srv.targets) {
      // Skip the primary whether the record names it or one of its addresses.
      const auto addresses = resolver_.addresses(target.target);
      const bool primary_target = (target.port == settings_.primary_port && target.target == settings_.primary_host) ||
                                  std::any_of(addresses.addresses.begin(), addresses.addresses.end(),
                                              [&](const std::string& a) { return is_primary(a, target.port); });
      if (primary_target) continue;
      DiscoveredBackend d{endpoint_name(target.target, target.port), target.target, target.port, config::Role::replica,
                          1};
      if (std::find(replicas.begin(), replicas.end(), d) == replicas.end()) replicas.push_back(std::move(d));
    }
  } else if (!settings_.replicas.empty()) {
    auto found = resolver_.addresses(settings_.replicas);
    failed = !found.error.empty();
    if (failed) errors.push_back(found.error);
    for (auto& address : found.addresses) {
      if (is_primary(address, settings_.replica_port)) continue;
      replicas.push_back(DiscoveredBackend{endpoint_name(address, settings_.replica_port), address,
                                           settings_.replica_port, config::Role::replica, 1});
    }
  }
  if (!failed) {
    std::sort(replicas.begin(), replicas.end(),
              [](const DiscoveredBackend& a, const DiscoveredBackend& b) { return a.name < b.name; });
    replicas_ = std::move(replicas);
  }
  error_.clear();
  for (const auto& e : errors) error_ += (error_.empty() ? "" : "; ") + e;
}

std::unique_ptr<Discovery> make_discovery(const config::BackendsConfig& backends) {
  if (backends.discovery == config::BackendsConfig::Discovery::dns) return std::make_unique<DnsDiscovery>(backends.dns);
  if (backends.discovery == config::BackendsConfig::Discovery::kubernetes) {
    return std::make_unique<KubernetesDiscovery>(backends.kubernetes);
  }
  return std::make_unique<StaticDiscovery>(backends.static_backends);
}

}  // namespace weir::health
