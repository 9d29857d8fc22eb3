// EndpointSlices (discovery.k8s.io/v1 JSON, as the API server writes them) -> weir's backends.
#include "health/endpoint_slices.hpp"

#include <gtest/gtest.h>

namespace weir::health {
namespace {

using nlohmann::json;

json endpoint(const std::string& pod, const std::string& ip, bool ready, bool serving, bool terminating = false) {
  return {{"addresses", {ip}},
          {"conditions", {{"ready", ready}, {"serving", serving}, {"terminating", terminating}}},
          {"hostname", pod},
          {"targetRef", {{"kind", "Pod"}, {"name", pod}, {"namespace", "db"}}}};
}

json slice(const std::string& name, json endpoints,
           json ports = json::array({{{"name", "mysql"}, {"port", 3306}, {"protocol", "TCP"}}})) {
  return {{"apiVersion", "discovery.k8s.io/v1"},
          {"kind", "EndpointSlice"},
          {"metadata", {{"name", name}, {"labels", {{"kubernetes.io/service-name", "mysql"}}}}},
          {"addressType", "IPv4"},
          {"endpoints", std::move(endpoints)},
          {"ports", std::move(ports)}};
}

std::vector<DiscoveredBackend> backends_of(const std::vector<json>& slices,
                                           const config::KubernetesDiscovery& settings = {},
                                           const std::optional<DiscoveredBackend>& last_primary = std::nullopt) {
  std::vector<SliceEndpoint> all;
  for (const auto& s : slices) {
    auto some = endpoints_of_slice(s, settings);
    all.insert(all.end(), some.begin(), some.end());
  }
  return backends_from_endpoints(all, settings, last_primary);
}

DiscoveredBackend primary(const std::string& name, const std::string& ip, std::uint16_t port = 3306) {
  return {name, ip, port, config::Role::primary, 1};
}
DiscoveredBackend replica(const std::string& name, const std::string& ip, std::uint16_t port = 3306) {
  return {name, ip, port, config::Role::replica, 1};
}

TEST(PodOrdinal, StatefulSetNames) {
  EXPECT_EQ(pod_ordinal("mysql-0"), 0u);
  EXPECT_EQ(pod_ordinal("mysql-12"), 12u);
  EXPECT_EQ(pod_ordinal("my-db-3"), 3u);
  EXPECT_EQ(pod_ordinal("mysql"), std::nullopt);
  EXPECT_EQ(pod_ordinal("mysql-"), std::nullopt);
  EXPECT_EQ(pod_ordinal("-1"), std::nullopt);
  EXPECT_EQ(pod_ordinal("mysql-01"), std::nullopt);
  EXPECT_EQ(pod_ordinal("mysql-x1"), std::nullopt);
  EXPECT_EQ(pod_ordinal("mysql-99999999999"), std::nullopt);  // out of range
}

TEST(EndpointSlices, OrdinalZeroIsThePrimaryAndServingPodsAreReplicas) {
  const auto list = backends_of({slice(
      "mysql-abc", {endpoint("mysql-2", "10.244.0.12", true, true), endpoint("mysql-0", "10.244.0.10", true, true),
                    endpoint("mysql-1", "10.244.0.11", true, true)})});
  const std::vector<DiscoveredBackend> expected{primary("mysql-0", "10.244.0.10"), replica("mysql-1", "10.244.0.11"),
                                                replica("mysql-2", "10.244.0.12")};
  EXPECT_EQ(list, expected);
}

TEST(EndpointSlices, AReplicaThatDoesNotServeIsLeftOutThePrimaryStaysWhateverItsReadiness) {
  const auto list = backends_of(
      {slice("s", {endpoint("mysql-0", "10.0.0.10", false, false), endpoint("mysql-1", "10.0.0.11", false, false),
                   endpoint("mysql-2", "10.0.0.12", true, true)})});
  const std::vector<DiscoveredBackend> expected{primary("mysql-0", "10.0.0.10"), replica("mysql-2", "10.0.0.12")};
  EXPECT_EQ(list, expected);
}

TEST(EndpointSlices, PublishNotReadyAddressesMakesReadyAlwaysTrueServingStillTells) {
  // With spec.publishNotReadyAddresses the controller writes ready=true for every pod; serving is
  // the pod's readiness.
  const auto list = backends_of(
      {slice("s", {endpoint("mysql-0", "10.0.0.10", true, true), endpoint("mysql-1", "10.0.0.11", true, false)})});
  const std::vector<DiscoveredBackend> expected{primary("mysql-0", "10.0.0.10")};
  EXPECT_EQ(list, expected);
}

TEST(EndpointSlices, ATerminatingPodIsNoReplicaEvenWhileItServes) {
  const auto list = backends_of({slice(
      "s", {endpoint("mysql-0", "10.0.0.10", true, true), endpoint("mysql-1", "10.0.0.11", false, true, true)})});
  const std::vector<DiscoveredBackend> expected{primary("mysql-0", "10.0.0.10")};
  EXPECT_EQ(list, expected);
}

TEST(EndpointSlices, WithoutConditionsAnEndpointServes) {
  json e = endpoint("mysql-1", "10.0.0.11", true, true);
  e.erase("conditions");
  const auto list = backends_of({slice("s", {endpoint("mysql-0", "10.0.0.10", true, true), e})});
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1], replica("mysql-1", "10.0.0.11"));
}

TEST(EndpointSlices, OnlyReadyWithoutServingFromAnOlderServer) {
  json e = endpoint("mysql-1", "10.0.0.11", false, true);
  e["conditions"].erase("serving");
  const auto list = backends_of({slice("s", {endpoint("mysql-0", "10.0.0.10", true, true), e})});
  ASSERT_EQ(list.size(), 1u);
}

TEST(EndpointSlices, SeveralSlicesMergeAndAPodListedTwiceCountsOnce) {
  const auto list = backends_of(
      {slice("a", {endpoint("mysql-0", "10.0.0.10", true, true), endpoint("mysql-3", "10.0.0.13", false, false)}),
       slice("b", {endpoint("mysql-3", "10.0.0.13", true, true), endpoint("mysql-10", "10.0.0.20", true, true),
                   endpoint("mysql-2", "10.0.0.12", true, true)})});
  const std::vector<DiscoveredBackend> expected{primary("mysql-0", "10.0.0.10"), replica("mysql-2", "10.0.0.12"),
                                                replica("mysql-3", "10.0.0.13"), replica("mysql-10", "10.0.0.20")};
  EXPECT_EQ(list, expected);
}

TEST(EndpointSlices, ThePortIsTheNamedOneElseTheOnlyOneElseTheConfiguredOne) {
  config::KubernetesDiscovery settings;
  settings.port = 3399;
  const json two_ports = json::array({{{"name", "backup"}, {"port", 3307}}, {{"name", "mysql"}, {"port", 3310}}});
  EXPECT_EQ(backends_of({slice("s", {endpoint("mysql-0", "10.0.0.10", true, true)}, two_ports)}, settings)[0].port,
            3310);
  const json one_other = json::array({{{"name", "db"}, {"port", 3311}}});
  EXPECT_EQ(backends_of({slice("s", {endpoint("mysql-0", "10.0.0.10", true, true)}, one_other)}, settings)[0].port,
            3311);
  const json two_others = json::array({{{"name", "a"}, {"port", 1}}, {{"name", "b"}, {"port", 2}}});
  EXPECT_EQ(backends_of({slice("s", {endpoint("mysql-0", "10.0.0.10", true, true)}, two_others)}, settings)[0].port,
            3399);
  EXPECT_EQ(backends_of({slice("s", {endpoint("mysql-0", "10.0.0.10", true, true)}, json::array())}, settings)[0].port,
            3399);
  const json bad = json::array({{{"name", "mysql"}, {"port", 70000}}});
  EXPECT_EQ(backends_of({slice("s", {endpoint("mysql-0", "10.0.0.10", true, true)}, bad)}, settings)[0].port, 3399);
}

TEST(EndpointSlices, AnotherPrimaryOrdinal) {
  config::KubernetesDiscovery settings;
  settings.primary_ordinal = 1;
  const auto list = backends_of(
      {slice("s", {endpoint("mysql-0", "10.0.0.10", true, true), endpoint("mysql-1", "10.0.0.11", true, true)})},
      settings);
  const std::vector<DiscoveredBackend> expected{primary("mysql-1", "10.0.0.11"), replica("mysql-0", "10.0.0.10")};
  EXPECT_EQ(list, expected);
}

TEST(EndpointSlices, APrimaryInNoSliceIsTheLastOneKnown) {
  const auto last = primary("mysql-0", "10.0.0.10");
  const auto list = backends_of({slice("s", {endpoint("mysql-1", "10.0.0.11", true, true)})}, {}, last);
  const std::vector<DiscoveredBackend> expected{last, replica("mysql-1", "10.0.0.11")};
  EXPECT_EQ(list, expected);
  // Back with a new address: the new one.
  const auto back = backends_of({slice("s", {endpoint("mysql-0", "10.0.0.30", false, false)})}, {}, last);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], primary("mysql-0", "10.0.0.30"));
  // Never seen: no primary at all.
  EXPECT_TRUE(backends_of({slice("s", json::array())}).empty());
}

TEST(EndpointSlices, EndpointsWithoutPodOrAddressAndMalformedFields) {
  json no_ref = endpoint("x", "10.0.0.14", true, true);
  no_ref.erase("targetRef");
  no_ref.erase("hostname");
  json no_address = endpoint("mysql-5", "10.0.0.15", true, true);
  no_address["addresses"] = json::array();
  json wrong_types = endpoint("mysql-6", "10.0.0.16", true, true);
  wrong_types["conditions"]["serving"] = "yes";  // not a boolean: as if absent, ready decides
  json hostname_only = endpoint("mysql-7", "10.0.0.17", true, true);
  hostname_only.erase("targetRef");
  const auto list = backends_of({slice("s", {endpoint("mysql-0", "10.0.0.10", true, true), no_ref, no_address,
                                             wrong_types, hostname_only, json("garbage"), json::object()})});
  const std::vector<DiscoveredBackend> expected{primary("mysql-0", "10.0.0.10"), replica("mysql-6", "10.0.0.16"),
                                                replica("mysql-7", "10.0.0.17"),
                                                replica("10.0.0.14:3306", "10.0.0.14")};
  EXPECT_EQ(list, expected);
  EXPECT_TRUE(endpoints_of_slice(json("not an object"), {}).empty());
  EXPECT_TRUE(endpoints_of_slice(json{{"endpoints", "x"}}, {}).empty());
}

TEST(EndpointSlices, IPv6AddressesNameTheirBackendWithBrackets) {
  json e = endpoint("x", "fd00::11", true, true);
  e.erase("targetRef");
  e.erase("hostname");
  const auto list = backends_of({slice("s", {e})});
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "[fd00::11]:3306");
  EXPECT_EQ(list[0].host, "fd00::11");
}

}  // namespace
}  // namespace weir::health
