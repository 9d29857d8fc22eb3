// Backend discovery: the static list, DNS discovery over a table resolver, and SRV answers parsed
// from DNS messages built byte by byte.
#include "health/discovery.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace weir::health {
namespace {

using config::Role;
using std::chrono::seconds;

TEST(StaticDiscovery, ListsTheConfiguredBackendsPrimaryFirst) {
  std::vector<config::StaticBackend> configured = {
      {"r1", "10.0.0.2", 3306, Role::replica, 2},
      {"", "10.0.0.3", 3307, Role::replica, 0},
      {"main", "db.example", 3306, Role::primary, 1},
      {"", "::1", 3308, Role::replica, 1},
  };
  StaticDiscovery discovery(configured);
  const std::vector<DiscoveredBackend> expected = {
      {"main", "db.example", 3306, Role::primary, 1},
      {"r1", "10.0.0.2", 3306, Role::replica, 2},
      {"10.0.0.3:3307", "10.0.0.3", 3307, Role::replica, 0},
      {"[::1]:3308", "::1", 3308, Role::replica, 1},
  };
  const auto now = std::chrono::steady_clock::now();
  EXPECT_EQ(discovery.backends(now), expected);
  EXPECT_EQ(discovery.backends(now + seconds(100)), expected);
  EXPECT_EQ(discovery.last_error(), "");
}

TEST(MakeDiscovery, ChoosesByConfig) {
  config::BackendsConfig backends;
  backends.static_backends = {{"p", "127.0.0.1", 3306, Role::primary, 1}};
  auto d = make_discovery(backends);
  ASSERT_NE(dynamic_cast<StaticDiscovery*>(d.get()), nullptr);
  backends.discovery = config::BackendsConfig::Discovery::dns;
  backends.dns.primary_host = "localhost";
  d = make_discovery(backends);
  EXPECT_NE(dynamic_cast<DnsDiscovery*>(d.get()), nullptr);
}

// A resolver answering from tables; counts lookups.
struct TableResolver {
  std::map<std::string, Resolver::Addresses> addresses;
  std::map<std::string, Resolver::Srv> srv;
  int lookups = 0;

  Resolver resolver() {
    return Resolver{[this](const std::string& name) {
                      ++lookups;
                      const auto it = addresses.find(name);
                      return it != addresses.end() ? it->second : Resolver::Addresses{{}, name + ": not found"};
                    },
                    [this](const std::string& name) {
                      ++lookups;
                      const auto it = srv.find(name);
                      return it != srv.end() ? it->second : Resolver::Srv{{}, name + ": no SRV"};
                    }};
  }
};

config::DnsDiscovery settings(std::string replicas) {
  config::DnsDiscovery s;
  s.primary_host = "primary.db";
  s.primary_port = 3306;
  s.replicas = std::move(replicas);
  s.replica_port = 3306;
  s.refresh_interval = seconds(5);
  return s;
}

std::vector<std::string> names(const std::vector<DiscoveredBackend>& list) {
  std::vector<std::string> out;
  for (const auto& b : list) out.push_back(b.name + (b.role == Role::primary ? "(p)" : ""));
  return out;
}

using Names = std::vector<std::string>;

TEST(DnsDiscovery, AddressRecordsSkipThePrimary) {
  TableResolver table;
  table.addresses["primary.db"] = {{"10.0.0.1"}, ""};
  table.addresses["all.db"] = {{"10.0.0.3", "10.0.0.1", "10.0.0.2", "fd00::5"}, ""};
  DnsDiscovery discovery(settings("all.db"), table.resolver());
  const auto list = discovery.backends(std::chrono::steady_clock::now());
  EXPECT_EQ(names(list), (Names{"primary.db:3306(p)", "10.0.0.2:3306", "10.0.0.3:3306", "[fd00::5]:3306"}));
  EXPECT_EQ(list[0].host, "primary.db");
  EXPECT_EQ(list[3].host, "fd00::5");
  EXPECT_EQ(list[3].port, 3306);
  EXPECT_EQ(discovery.last_error(), "");
}

TEST(DnsDiscovery, ReplicaPortDiffersFromThePrimarysSoNothingIsSkipped) {
  TableResolver table;
  table.addresses["primary.db"] = {{"10.0.0.1"}, ""};
  table.addresses["all.db"] = {{"10.0.0.1"}, ""};
  auto s = settings("all.db");
  s.replica_port = 3307;
  DnsDiscovery discovery(s, table.resolver());
  EXPECT_EQ(names(discovery.backends({})), (Names{"primary.db:3306(p)", "10.0.0.1:3307"}));
}

TEST(DnsDiscovery, RefreshesOnlyEveryInterval) {
  TableResolver table;
  table.addresses["primary.db"] = {{"10.0.0.1"}, ""};
  table.addresses["all.db"] = {{"10.0.0.2"}, ""};
  DnsDiscovery discovery(settings("all.db"), table.resolver());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(names(discovery.backends(t0)), (Names{"primary.db:3306(p)", "10.0.0.2:3306"}));
  EXPECT_EQ(table.lookups, 2);
  table.addresses["all.db"] = {{"10.0.0.2", "10.0.0.4"}, ""};  // a pod joined
  EXPECT_EQ(names(discovery.backends(t0 + seconds(4))), (Names{"primary.db:3306(p)", "10.0.0.2:3306"}));
  EXPECT_EQ(table.lookups, 2);
  EXPECT_EQ(names(discovery.backends(t0 + seconds(5))),
            (Names{"primary.db:3306(p)", "10.0.0.2:3306", "10.0.0.4:3306"}));
  EXPECT_EQ(table.lookups, 4);
  table.addresses["all.db"] = {{"10.0.0.4"}, ""};  // one left
  EXPECT_EQ(names(discovery.backends(t0 + seconds(10))), (Names{"primary.db:3306(p)", "10.0.0.4:3306"}));
}

TEST(DnsDiscovery, AFailedLookupKeepsTheLastList) {
  TableResolver table;
  table.addresses["primary.db"] = {{"10.0.0.1"}, ""};
  table.addresses["all.db"] = {{"10.0.0.1", "10.0.0.2"}, ""};
  DnsDiscovery discovery(settings("all.db"), table.resolver());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(names(discovery.backends(t0)), (Names{"primary.db:3306(p)", "10.0.0.2:3306"}));
  table.addresses.clear();
  EXPECT_EQ(names(discovery.backends(t0 + seconds(5))), (Names{"primary.db:3306(p)", "10.0.0.2:3306"}));
  EXPECT_EQ(discovery.last_error(), "primary.db: not found; all.db: not found");
  // The replicas answer again, the primary's name does not: its last known address is still skipped.
  table.addresses["all.db"] = {{"10.0.0.1", "10.0.0.3"}, ""};
  EXPECT_EQ(names(discovery.backends(t0 + seconds(10))), (Names{"primary.db:3306(p)", "10.0.0.3:3306"}));
  EXPECT_EQ(discovery.last_error(), "primary.db: not found");
  table.addresses["primary.db"] = {{"10.0.0.1"}, ""};
  discovery.backends(t0 + seconds(15));
  EXPECT_EQ(discovery.last_error(), "");
}

TEST(DnsDiscovery, NoReplicasNameListsThePrimaryOnly) {
  TableResolver table;
  table.addresses["primary.db"] = {{"10.0.0.1"}, ""};
  DnsDiscovery discovery(settings(""), table.resolver());
  EXPECT_EQ(names(discovery.backends({})), (Names{"primary.db:3306(p)"}));
  EXPECT_EQ(discovery.last_error(), "");
}

TEST(DnsDiscovery, SrvRecordsWithTheirPortsSkippingThePrimary) {
  TableResolver table;
  table.addresses["primary.db"] = {{"10.0.0.1"}, ""};
  table.addresses["db-0.db"] = {{"10.0.0.1"}, ""};  // the primary's pod under another name
  table.addresses["db-1.db"] = {{"10.0.0.2"}, ""};
  table.addresses["db-2.db"] = {{"10.0.0.3"}, ""};
  table.srv["_mysql._tcp.db"] = {{{"db-2.db", 3306},
                                  {"db-0.db", 3306},
                                  {"db-1.db", 3306},
                                  {"db-1.db", 3306},
                                  {"primary.db", 3306},
                                  {"db-0.db", 3310}},
                                 ""};
  DnsDiscovery discovery(settings("_mysql._tcp.db"), table.resolver());
  const auto list = discovery.backends({});
  EXPECT_EQ(names(list), (Names{"primary.db:3306(p)", "db-0.db:3310", "db-1.db:3306", "db-2.db:3306"}));
  EXPECT_EQ(list[1].host, "db-0.db");
  EXPECT_EQ(list[1].port, 3310);
}

TEST(DnsDiscovery, SrvFailureKeepsTheLastList) {
  TableResolver table;
  table.addresses["primary.db"] = {{"10.0.0.1"}, ""};
  table.addresses["db-1.db"] = {{"10.0.0.2"}, ""};
  table.srv["_mysql._tcp.db"] = {{{"db-1.db", 3306}}, ""};
  DnsDiscovery discovery(settings("_mysql._tcp.db"), table.resolver());
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(names(discovery.backends(t0)), (Names{"primary.db:3306(p)", "db-1.db:3306"}));
  table.srv.clear();
  EXPECT_EQ(names(discovery.backends(t0 + seconds(5))), (Names{"primary.db:3306(p)", "db-1.db:3306"}));
  EXPECT_EQ(discovery.last_error(), "_mysql._tcp.db: no SRV");
}

// DNS messages for parse_srv_answer, built by hand.
struct Message {
  std::vector<unsigned char> bytes;
  void u16(unsigned v) {
    bytes.push_back(static_cast<unsigned char>(v >> 8));
    bytes.push_back(static_cast<unsigned char>(v & 0xff));
  }
  void u32(unsigned v) {
    u16(v >> 16);
    u16(v & 0xffff);
  }
  void name(const std::string& dotted) {
    std::size_t start = 0;
    while (start < dotted.size()) {
      auto dot = dotted.find('.', start);
      if (dot == std::string::npos) dot = dotted.size();
      bytes.push_back(static_cast<unsigned char>(dot - start));
      bytes.insert(bytes.end(), dotted.begin() + static_cast<long>(start), dotted.begin() + static_cast<long>(dot));
      start = dot + 1;
    }
    bytes.push_back(0);
  }
};

// Header + question "_mysql._tcp.db" SRV IN; `answers` answer records follow.
Message srv_message(unsigned answers) {
  Message m;
  m.u16(0x1234);   // id
  m.u16(0x8180);   // response, recursion desired and available, no error
  m.u16(1);        // questions
  m.u16(answers);  // answers
  m.u16(0);
  m.u16(0);
  m.name("_mysql._tcp.db");  // at offset 12
  m.u16(33);                 // SRV
  m.u16(1);                  // IN
  return m;
}

void srv_record(Message& m, unsigned port, const std::string& target, bool compressed_owner = true) {
  if (compressed_owner) {
    m.u16(0xc00c);  // pointer to the question's name
  } else {
    m.name("_mysql._tcp.db");
  }
  m.u16(33);
  m.u16(1);
  m.u32(30);  // ttl
  Message rdata;
  rdata.u16(10);  // priority
  rdata.u16(50);  // weight
  rdata.u16(port);
  rdata.name(target);
  m.u16(static_cast<unsigned>(rdata.bytes.size()));
  m.bytes.insert(m.bytes.end(), rdata.bytes.begin(), rdata.bytes.end());
}

TEST(ParseSrvAnswer, Records) {
  auto m = srv_message(3);
  srv_record(m, 3306, "db-0.db.ns.svc.cluster.local");
  srv_record(m, 3307, "db-1.db.ns.svc.cluster.local", false);
  srv_record(m, 0, "");  // "." : no service
  const auto parsed = parse_srv_answer(m.bytes.data(), m.bytes.size());
  ASSERT_TRUE(parsed);
  const std::vector<SrvTarget> expected = {{"db-0.db.ns.svc.cluster.local", 3306},
                                           {"db-1.db.ns.svc.cluster.local", 3307}};
  EXPECT_EQ(*parsed, expected);
}

TEST(ParseSrvAnswer, NoAnswers) {
  auto m = srv_message(0);
  const auto parsed = parse_srv_answer(m.bytes.data(), m.bytes.size());
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->empty());
}

TEST(ParseSrvAnswer, SkipsOtherRecordTypes) {
  auto m = srv_message(2);
  // A CNAME record before the SRV.
  m.u16(0xc00c);
  m.u16(5);
  m.u16(1);
  m.u32(30);
  Message cname;
  cname.name("other.db");
  m.u16(static_cast<unsigned>(cname.bytes.size()));
  m.bytes.insert(m.bytes.end(), cname.bytes.begin(), cname.bytes.end());
  srv_record(m, 4000, "x.db");
  const auto parsed = parse_srv_answer(m.bytes.data(), m.bytes.size());
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, (std::vector<SrvTarget>{{"x.db", 4000}}));
}

TEST(ParseSrvAnswer, MalformedMessagesAreRejected) {
  auto m = srv_message(1);
  srv_record(m, 3306, "db-0.db");
  const auto full = m.bytes;
  // Every truncation of the message is malformed (the header promises one answer).
  for (std::size_t size = 0; size < full.size(); ++size) {
    EXPECT_FALSE(parse_srv_answer(full.data(), size).has_value()) << "truncated to " << size;
  }
  // An SRV rdata too short for priority, weight and port.
  auto short_rdata = srv_message(1);
  short_rdata.u16(0xc00c);
  short_rdata.u16(33);
  short_rdata.u16(1);
  short_rdata.u32(30);
  short_rdata.u16(4);
  short_rdata.u32(0);
  EXPECT_FALSE(parse_srv_answer(short_rdata.bytes.data(), short_rdata.bytes.size()).has_value());
  // A compression pointer that points past the end.
  auto bad_pointer = srv_message(1);
  bad_pointer.u16(0xc00c);
  bad_pointer.u16(33);
  bad_pointer.u16(1);
  bad_pointer.u32(30);
  bad_pointer.u16(8);
  bad_pointer.u16(0);
  bad_pointer.u16(0);
  bad_pointer.u16(3306);
  bad_pointer.u16(0xcfff);
  EXPECT_FALSE(parse_srv_answer(bad_pointer.bytes.data(), bad_pointer.bytes.size()).has_value());
}

}  // namespace
}  // namespace weir::health
