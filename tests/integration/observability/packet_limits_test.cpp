// The packet limits beyond the statement's: a login packet and a COM_CHANGE_USER are bounded by
// the login's 64 KiB, each packet of a LOAD DATA LOCAL file by the primary's max_allowed_packet
// (and the file itself streams through weir without being held). Every refusal is the server's
// ERROR 1153, which the client reads even when it was still writing the refused packet.
#include <gtest/gtest.h>
#include <mysql.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include "observability_support.hpp"
#include "raw_packets.hpp"

namespace weir::testing::observability_tests {
namespace {

constexpr const char* kTooLarge = "1153 Got a packet bigger than 'max_allowed_packet' bytes";

long long bytes_received(MariadbServer& server) {
  return std::stoll(*server.scalar(
      "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'BYTES_RECEIVED'"));
}

// weir with the monitor reading the primary's max_allowed_packet every 100 ms.
WeirOptions weir_watching_max_packet(const MariadbServer& server) {
  WeirOptions options = weir_for(server);
  options.monitor_yaml = "  check_interval: 100ms\n";
  return options;
}

void wait_until_monitored(const WeirProcess& weir) {
  ASSERT_TRUE(weir.wait_for_log("msg=\"primary reachable\"", 10s)) << weir.log();
  std::this_thread::sleep_for(300ms);  // the monitor publishes the round that read it
}

TEST(PacketLimits, ALoginPacketOverTheLimitIsRefusedAndTheClientStillWritingItReadsTheError) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(weir_for(server));
  const int fd = connect_to(weir.port());
  ASSERT_GE(fd, 0);
  ASSERT_FALSE(read_packet(fd).empty()) << "no greeting\n" << weir.log();
  // A handshake response far over 64 KiB, more than the sockets' buffers hold: the client is
  // still writing it when weir refuses it after its header.
  const std::string huge = frame_header((1U << 24) - 1, 1) + std::string(24U << 20, 'x');
  EXPECT_TRUE(send_all(fd, huge)) << "weir reset the connection while the client wrote: " << std::strerror(errno);
  EXPECT_EQ(error_of(read_packet(fd)), kTooLarge);
  ::close(fd);
  // Logins go on.
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m) << weir.log();
  EXPECT_EQ(scalar_of(m.get(), "SELECT 1"), "1");
}

TEST(PacketLimits, ChangeUserIsBoundedLikeTheLogin) {
  MariadbServer server;
  prepare_server(server);
  WeirProcess weir(weir_for(server));
  // A COM_CHANGE_USER within the limit works as against the server.
  Mysql ok = open_mysql(weir.port(), {});
  ASSERT_TRUE(ok) << weir.log();
  ASSERT_EQ(mysql_change_user(ok.get(), kOther, kOtherPassword, nullptr), 0) << mysql_error(ok.get());
  EXPECT_EQ(scalar_of(ok.get(), "SELECT CURRENT_USER()"), std::string(kOther) + "@%");

  // One of 200 KB (well under max_allowed_packet, over the login's 64 KiB) is refused unread.
  Mysql m = open_mysql(weir.port(), {});
  ASSERT_TRUE(m) << weir.log();
  const int fd = static_cast<int>(mysql_get_socket(m.get()));
  std::string payload = "\x11" + std::string(kApp) + std::string(1, '\0');
  payload += std::string(200'000, 'x');
  ASSERT_TRUE(send_all(fd, frame_header(static_cast<std::uint32_t>(payload.size()), 0) + payload));
  EXPECT_EQ(error_of(read_packet(fd)), kTooLarge) << weir.log();
  EXPECT_TRUE(weir.wait_for_log("COM_CHANGE_USER packet over the login limit", 5s)) << weir.log();
}

TEST(PacketLimits, ALoadDataLocalPacketOverMaxAllowedPacketIsRefusedBeforeTheServer) {
  MariadbOptions server_options;
  server_options.cnf_lines = {"local_infile=1"};
  MariadbServer server(server_options);
  prepare_primary(server);
  server.execute("SET GLOBAL max_allowed_packet = 1048576");
  server.execute("CREATE TABLE app.loaded (v LONGTEXT)");
  WeirProcess weir(weir_watching_max_packet(server));
  wait_until_monitored(weir);

  Mysql m = open_mysql(weir.port(), ConnectOptions{}.db("app").with_local_infile());
  ASSERT_TRUE(m) << weir.log();
  const int fd = static_cast<int>(mysql_get_socket(m.get()));
  const std::string load = "\x03LOAD DATA LOCAL INFILE 'client-side.txt' INTO TABLE loaded";
  ASSERT_TRUE(send_all(fd, frame_header(static_cast<std::uint32_t>(load.size()), 0) + load));
  const std::string request = read_packet(fd);  // the server asks for the file: 0xFB and its name
  ASSERT_GE(request.size(), 5U);
  ASSERT_EQ(static_cast<unsigned char>(request[4]), 0xfb) << error_of(request);
  const long long before = bytes_received(server);
  // A 2 MiB packet of the file where the primary takes at most 1 MiB.
  const auto next = static_cast<std::uint8_t>(request[3] + 1);
  EXPECT_TRUE(send_all(fd, frame_header(2U << 20, next) + std::string(2U << 20, 'y')));
  EXPECT_EQ(error_of(read_packet(fd)), kTooLarge) << weir.log();
  EXPECT_LT(bytes_received(server) - before, 100'000) << "the packet reached the server\n" << weir.log();
  EXPECT_TRUE(weir.wait_for_log("LOAD DATA LOCAL packet over the primary's max_allowed_packet", 5s)) << weir.log();
}

TEST(PacketLimits, A200MegabyteLoadDataLocalStreamsThroughWithoutGrowingWeir) {
  MariadbOptions server_options;
  server_options.cnf_lines = {"local_infile=1"};
  MariadbServer server(server_options);
  prepare_server(server);
  server.execute("CREATE TABLE app.loaded (id INT, v VARCHAR(1000)) ENGINE=MyISAM");
  WeirProcess weir(weir_for(server));
  const std::string path = weir.dir() + "/rows.tsv";
  constexpr int kRows = 200'000;
  {
    std::ofstream out(path);
    const std::string value(1000, 'v');
    for (int i = 1; i <= kRows; ++i) out << i << '\t' << value << '\n';
  }
  const long before = rss_kib(weir.pid());
  ASSERT_GT(before, 0);
  std::atomic<bool> loading{true};
  std::atomic<long> peak{before};
  std::thread sampler([&] {
    while (loading.load()) {
      peak.store(std::max(peak.load(), rss_kib(weir.pid())));
      std::this_thread::sleep_for(50ms);
    }
  });
  const std::string out_path = weir.dir() + "/cli.out";
  const int rc =
      run_program({"mariadb", "--no-defaults", "--host=127.0.0.1", "--port=" + std::to_string(weir.port()),
                   "--protocol=TCP", "--user=" + std::string(kApp), "--password=" + std::string(kAppPassword),
                   "--local-infile=1", "app", "-e", "LOAD DATA LOCAL INFILE '" + path + "' INTO TABLE loaded"},
                  out_path, std::chrono::seconds(300));
  loading = false;
  sampler.join();
  ASSERT_EQ(rc, 0) << file_tail(out_path) << "\n" << weir.log();
  EXPECT_EQ(*server.scalar("SELECT COUNT(*) FROM app.loaded"), std::to_string(kRows));
  EXPECT_EQ(*server.scalar("SELECT SUM(LENGTH(v)) FROM app.loaded"), std::to_string(1000LL * kRows));
  std::cout << "weir VmRSS " << before << " KiB before, peak " << peak.load() << " KiB while a "
            << std::filesystem::file_size(path) / (1 << 20) << " MiB file streamed through\n";
  EXPECT_LT(peak.load() - before, 32 * 1024) << "weir grew from " << before << " KiB to " << peak.load() << " KiB";
}

}  // namespace
}  // namespace weir::testing::observability_tests
