// What a client can cost weir before and beside others: memory that grows only with bytes that
// arrived (never with a length a peer announced), and listen.max_connections refused with the
// server's ERROR 1040 and counted in weir_client_connections_rejected_total.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "observability_support.hpp"
#include "raw_packets.hpp"

namespace weir::testing::observability_tests {
namespace {

using admin::testing::request;

void raise_open_files(rlim_t wanted) {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

// ThreadSanitizer keeps shadow memory of about four times what the program touches, plus its
// own state per thread and synchronisation object: its weir's RSS grows 126-134 MiB here where the
// release build's grows 22 MiB. The bound scales with it; announced lengths taken at their word
// would still be gigabytes.
#ifdef __SANITIZE_THREAD__
constexpr long kRssBoundFactor = 4;
#else
constexpr long kRssBoundFactor = 1;
#endif

TEST(ClientLimits, MemoryBeforeLoginGrowsWithBytesReceivedNotWithAnnouncedLengths) {
  constexpr int kSockets = 1000;
  raise_open_files(4 * kSockets);  // weir inherits it: it holds these sockets too
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  ASSERT_GE(limit.rlim_cur, 2 * kSockets + 100) << "the open-files limit is too low for this test";
  MariadbServer server;
  prepare_server(server);
  WeirOptions options = weir_for(server);
  options.extra_yaml = "timeouts:\n  handshake: 60s\n";
  WeirProcess weir(options);
  const long before = rss_kib(weir.pid());
  ASSERT_GT(before, 0);

  // Each socket reads the greeting and sends only a header: a packet just under 1 MiB, 16 MiB - 1
  // (both over what a login may send: refused at once), or just under the login limit of 64 KiB
  // (accepted as a start; the socket then holds it open with no byte of the payload sent).
  const std::uint32_t announced[] = {(1U << 20) - 1, (1U << 24) - 1, 60'000};
  std::vector<int> sockets;
  int refused = 0;
  for (int i = 0; i < kSockets; ++i) {
    const int fd = connect_to(weir.port());
    ASSERT_GE(fd, 0) << i << " " << std::strerror(errno);
    sockets.push_back(fd);
    ASSERT_FALSE(read_packet(fd).empty()) << "no greeting on socket " << i << "\n" << weir.log();
    const std::uint32_t length = announced[i % 3];
    const unsigned char header[4] = {static_cast<unsigned char>(length), static_cast<unsigned char>(length >> 8),
                                     static_cast<unsigned char>(length >> 16), 1};
    ASSERT_EQ(::send(fd, header, sizeof header, MSG_NOSIGNAL), 4);
  }
  for (int i = 0; i < kSockets; i += 3) {
    // As the server: ER_NET_PACKET_TOO_LARGE, then the connection closes.
    EXPECT_EQ(error_of(read_packet(sockets[i])), "1153 Got a packet bigger than 'max_allowed_packet' bytes") << i;
    ++refused;
  }
  std::this_thread::sleep_for(500ms);
  const long after = rss_kib(weir.pid());
  std::cout << "weir VmRSS " << before << " KiB before, " << after << " KiB with " << kSockets
            << " sockets that announced large packets (growth " << (after - before) / 1024 << " MiB)\n";
  EXPECT_LT(after - before, kRssBoundFactor * 64 * 1024) << "RSS grew from " << before << " KiB to " << after << " KiB";
  EXPECT_GT(refused, 0);
  for (const int fd : sockets) ::close(fd);

  // Logins still work, and so do packets over the login limit once logged in.
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m) << weir.log();
  const std::string big(200'000, 'x');
  EXPECT_EQ(scalar_of(m.get(), "SELECT LENGTH('" + big + "')"), "200000");
}

TEST(ClientLimits, AfterLoginTheLargestPacketIsThePrimarysMaxAllowedPacket) {
  MariadbServer server;
  prepare_primary(server);
  server.execute("SET GLOBAL max_allowed_packet = 1048576");
  WeirOptions options = weir_for(server);
  options.monitor_yaml = "  check_interval: 100ms\n";
  WeirProcess weir(options);
  ASSERT_TRUE(weir.wait_for_log("msg=\"primary reachable\"", 10s)) << weir.log();
  std::this_thread::sleep_for(300ms);  // the monitor publishes the round that read it

  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m) << weir.log();
  EXPECT_EQ(scalar_of(m.get(), "SELECT LENGTH('" + std::string(500'000, 'x') + "')"), "500000");
  const auto received = [&] {
    return std::stoll(*server.scalar(
        "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'BYTES_RECEIVED'"));
  };
  const long long before = received();
  const std::string big = "SELECT LENGTH('" + std::string(2'000'000, 'x') + "')";
  EXPECT_NE(mysql_query(m.get(), big.c_str()), 0);
  EXPECT_EQ(mysql_errno(m.get()), 1153U) << mysql_error(m.get());
  EXPECT_STREQ(mysql_error(m.get()), "Got a packet bigger than 'max_allowed_packet' bytes");
  // weir refused it itself: the statement never reached the server.
  EXPECT_LT(received() - before, 100'000) << weir.log();
  EXPECT_TRUE(weir.wait_for_log("max_allowed_packet", 5s)) << weir.log();
}

TEST(ClientLimits, ClientsOverMaxConnectionsAreRefusedWithTheServersError) {
  MariadbServer server;
  prepare_server(server);
  WeirOptions options = weir_for(server);
  options.listen_yaml = "  max_connections: 3\n";
  options.admin_yaml = admin_yaml(kToken);
  WeirProcess weir(options);
  const auto admin_port = admin_port_of(weir);

  std::vector<Mysql> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(open_mysql(weir.port(), {}));
    ASSERT_TRUE(clients.back()) << i << "\n" << weir.log();
    EXPECT_EQ(scalar_of(clients.back().get(), "SELECT 1"), "1");
  }
  std::string error;
  EXPECT_FALSE(open_mysql(weir.port(), {}, &error));
  EXPECT_EQ(error, "1040 Too many connections");
  // On the wire: the ERR comes first, in place of the greeting, with the server's SQLSTATE.
  const int fd = connect_to(weir.port());
  ASSERT_GE(fd, 0);
  const std::string packet = read_packet(fd);
  ::close(fd);
  EXPECT_EQ(error_of(packet), "1040 Too many connections");
  ASSERT_GE(packet.size(), 13U);
  EXPECT_EQ(packet.substr(7, 6), "#08004");
  EXPECT_EQ(packet[3], 0);  // sequence id 0: the server's first packet

  const auto r = request(admin_port, "GET", "/metrics", std::string(kToken));
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(sample_sum(r.body, "weir_client_connections_rejected_total", {"reason=\"max_connections\""}).value_or(0),
            2.0)
      << r.body;

  // Once one closes, a new client is accepted (weir notices the close asynchronously).
  clients.pop_back();
  Mysql again;
  for (int i = 0; i < 50 && !again; ++i) {
    again = open_mysql(weir.port(), {}, &error);
    if (!again) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(again) << error << "\n" << weir.log();
  EXPECT_EQ(scalar_of(again.get(), "SELECT 2"), "2");
  EXPECT_EQ(scalar_of(clients.front().get(), "SELECT 3"), "3");
}

}  // namespace
}  // namespace weir::testing::observability_tests
