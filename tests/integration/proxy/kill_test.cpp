// KILL through weir obeys the server's rules: the owner (same user) or a user holding CONNECTION
// ADMIN or SUPER (also through an active role) may kill; anyone else gets the server's ERROR 1095
// and the target session goes on, whether or not it holds a backend connection. Both id forms
// (weir's from the handshake, the server's from CONNECTION_ID()), KILL [QUERY] and
// COM_PROCESS_KILL (mysql_kill).
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "proxy_support.hpp"

namespace weir::testing::proxy_tests {
namespace {

using namespace std::chrono_literals;

constexpr const char* kAlice = "alice";
constexpr const char* kBob = "bob";
constexpr const char* kAdmin = "admin";
constexpr const char* kRoler = "roler";  // CONNECTION ADMIN only through the role `killer`, not a default role
constexpr const char* kPassword = "kill-pw";

void prepare_kill_server(MariadbServer& server) {
  server.execute("CREATE DATABASE IF NOT EXISTS app");
  server.create_user(kAlice, kPassword, "SELECT", "app.*");
  server.create_user(kBob, kPassword, "SELECT", "app.*");
  server.create_user(kAdmin, kPassword, "CONNECTION ADMIN", "*.*");
  server.create_user(kRoler, kPassword, "SELECT", "app.*");
  server.execute("CREATE ROLE killer");
  server.execute("GRANT CONNECTION ADMIN ON *.* TO killer");
  server.execute("GRANT killer TO roler@'%'");
}

WeirOptions kill_weir(MariadbServer& server, const std::string& extra_yaml = "") {
  WeirOptions options = WeirOptions::for_server(
      server, {{kAlice, kPassword}, {kBob, kPassword}, {kAdmin, kPassword}, {kRoler, kPassword}});
  options.extra_yaml = extra_yaml;
  return options;
}

Mysql as(const WeirProcess& weir, const char* user) {
  std::string error;
  Mysql m = open_mysql(weir.port(), ConnectOptions{}.as(user, kPassword), &error);
  EXPECT_TRUE(m) << user << ": " << error;
  return m;
}

std::string id_of(MYSQL* m) { return std::to_string(mysql_thread_id(m)); }

// "OK", or "<errno> <sqlstate> <message>".
std::string run(MYSQL* m, const std::string& sql) {
  if (mysql_query(m, sql.c_str()) == 0) {
    if (MYSQL_RES* res = mysql_store_result(m)) mysql_free_result(res);
    return "OK";
  }
  return std::to_string(mysql_errno(m)) + " " + mysql_sqlstate(m) + " " + mysql_error(m);
}

std::string kill_with_api(MYSQL* m, unsigned long id) {
  if (mysql_kill(m, id) == 0) return "OK";
  return std::to_string(mysql_errno(m)) + " " + mysql_sqlstate(m) + " " + mysql_error(m);
}

std::string not_owner(const std::string& id) { return "1095 HY000 You are not owner of thread " + id; }

bool thread_alive(MariadbServer& server, const std::string& thread) {
  return server.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + thread) == "1";
}

// Waits until weir gave the session's backend connection back (timeouts.backend_idle, no pool).
bool released(MariadbServer& server, const std::string& thread) {
  for (int i = 0; i < 100; ++i) {
    if (!thread_alive(server, thread)) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

bool gone(MYSQL* m) {
  for (int i = 0; i < 50; ++i) {
    if (mysql_query(m, "SELECT 1") != 0) {
      const unsigned code = mysql_errno(m);
      return code == 2013 || code == 2006 || code == 1927;
    }
    if (MYSQL_RES* res = mysql_store_result(m)) mysql_free_result(res);
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

std::future<std::string> sleep_on(MYSQL* m) {
  return std::async(std::launch::async, [m] { return scalar_of(m, "SELECT SLEEP(30)"); });
}

bool sleep_running(MariadbServer& server) {
  return server.scalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(30)%'") ==
         "1";
}

void wait_for_sleep(MariadbServer& server) {
  for (int i = 0; i < 200 && !sleep_running(server); ++i) std::this_thread::sleep_for(25ms);
  ASSERT_TRUE(sleep_running(server)) << "the SLEEP never started";
}

TEST(KillThroughWeir, AnotherUserIsRefusedAndTheTargetWithABackendGoesOn) {
  MariadbServer server;
  prepare_kill_server(server);
  WeirProcess weir(kill_weir(server));
  Mysql alice = as(weir, kAlice);
  Mysql bob = as(weir, kBob);
  ASSERT_TRUE(alice && bob);
  const std::string weir_id = id_of(alice.get());
  const std::string thread = scalar_of(alice.get(), "SELECT CONNECTION_ID()");
  ASSERT_NE(weir_id, thread);

  EXPECT_EQ(run(bob.get(), "KILL " + weir_id), not_owner(weir_id)) << weir.log();
  EXPECT_EQ(run(bob.get(), "KILL CONNECTION " + weir_id), not_owner(weir_id));
  EXPECT_EQ(run(bob.get(), "KILL QUERY " + weir_id), not_owner(weir_id));
  EXPECT_EQ(run(bob.get(), "KILL HARD QUERY " + weir_id), not_owner(weir_id));
  EXPECT_EQ(run(bob.get(), "KILL " + thread), not_owner(thread));
  EXPECT_EQ(run(bob.get(), "/* " + std::string(100, 'x') + " */ KILL " + weir_id), not_owner(weir_id));
  EXPECT_EQ(run(bob.get(), "KILL QUERY " + thread), not_owner(thread));
  EXPECT_EQ(kill_with_api(bob.get(), mysql_thread_id(alice.get())), not_owner(weir_id));
  EXPECT_EQ(kill_with_api(bob.get(), std::stoul(thread)), not_owner(thread));

  // alice's session, its backend thread and bob's session all go on.
  EXPECT_TRUE(thread_alive(server, thread));
  EXPECT_EQ(scalar_of(alice.get(), "SELECT CONNECTION_ID()"), thread);
  EXPECT_EQ(scalar_of(bob.get(), "SELECT 2"), "2");

  // A running statement of alice's: bob cannot stop it, an admin can.
  auto slept = sleep_on(alice.get());
  wait_for_sleep(server);
  EXPECT_EQ(run(bob.get(), "KILL QUERY " + weir_id), not_owner(weir_id));
  std::this_thread::sleep_for(200ms);
  EXPECT_TRUE(sleep_running(server)) << "bob's refused KILL QUERY stopped alice's statement";
  Mysql admin = as(weir, kAdmin);
  ASSERT_TRUE(admin);
  EXPECT_EQ(run(admin.get(), "KILL QUERY " + weir_id), "OK") << weir.log();
  ASSERT_EQ(slept.wait_for(20s), std::future_status::ready) << "the admin's KILL QUERY did not stop the sleep";
  slept.get();
  EXPECT_EQ(scalar_of(alice.get(), "SELECT 3"), "3");
}

TEST(KillThroughWeir, TheOwnerAndAnAdminMayKill) {
  MariadbServer server;
  prepare_kill_server(server);
  WeirProcess weir(kill_weir(server));
  Mysql alice = as(weir, kAlice);
  Mysql alice2 = as(weir, kAlice);
  Mysql bob = as(weir, kBob);
  Mysql admin = as(weir, kAdmin);
  ASSERT_TRUE(alice && alice2 && bob && admin);
  const std::string alice_thread = scalar_of(alice.get(), "SELECT CONNECTION_ID()");

  // alice kills her other session by weir's id: OK, and it is gone, on weir and on the server.
  EXPECT_EQ(run(alice2.get(), "KILL " + id_of(alice.get())), "OK") << weir.log();
  EXPECT_TRUE(gone(alice.get()));
  EXPECT_TRUE(released(server, alice_thread));
  EXPECT_EQ(scalar_of(alice2.get(), "SELECT 4"), "4");

  // The admin kills bob by CONNECTION_ID()'s id.
  const std::string bob_thread = scalar_of(bob.get(), "SELECT CONNECTION_ID()");
  EXPECT_EQ(run(admin.get(), "KILL " + bob_thread), "OK") << weir.log();
  EXPECT_TRUE(gone(bob.get()));

  // COM_PROCESS_KILL from the owner.
  Mysql alice3 = as(weir, kAlice);
  ASSERT_TRUE(alice3);
  EXPECT_EQ(scalar_of(alice3.get(), "SELECT 5"), "5");
  EXPECT_EQ(kill_with_api(alice2.get(), mysql_thread_id(alice3.get())), "OK");
  EXPECT_TRUE(gone(alice3.get()));

  // A role gives the privilege only while it is active.
  Mysql roler = as(weir, kRoler);
  Mysql victim = as(weir, kAlice);
  ASSERT_TRUE(roler && victim);
  EXPECT_EQ(scalar_of(victim.get(), "SELECT 6"), "6");
  EXPECT_EQ(run(roler.get(), "KILL " + id_of(victim.get())), not_owner(id_of(victim.get())));
  EXPECT_EQ(scalar_of(victim.get(), "SELECT 7"), "7");
  ASSERT_EQ(run(roler.get(), "SET ROLE killer"), "OK");
  EXPECT_EQ(run(roler.get(), "KILL " + id_of(victim.get())), "OK") << weir.log();
  EXPECT_TRUE(gone(victim.get()));
}

TEST(KillThroughWeir, ASessionThatOnlyLoggedInIsKilledByTheServersRule) {
  MariadbServer server;
  prepare_kill_server(server);
  WeirProcess weir(kill_weir(server));
  Mysql fresh = as(weir, kAlice);
  Mysql bob = as(weir, kBob);
  Mysql alice = as(weir, kAlice);
  ASSERT_TRUE(fresh && bob && alice);
  const std::string id = id_of(fresh.get());
  EXPECT_EQ(run(bob.get(), "KILL " + id), not_owner(id)) << weir.log();
  EXPECT_EQ(kill_with_api(bob.get(), mysql_thread_id(fresh.get())), not_owner(id));
  EXPECT_EQ(run(alice.get(), "KILL QUERY " + id), "OK");
  EXPECT_EQ(run(alice.get(), "KILL " + id), "OK");
  EXPECT_TRUE(gone(fresh.get()));
}

TEST(KillThroughWeir, ATargetWithoutBackendConnectionIsKilledOnlyByItsOwnerOrAnAdmin) {
  MariadbServer server;
  prepare_kill_server(server);
  // The sessions give their backend connections back after 300 ms idle; no pool keeps them.
  WeirProcess weir(kill_weir(server, "timeouts:\n  backend_idle: 300ms\npool:\n  max_idle_per_worker: 0\n"));
  Mysql alice = as(weir, kAlice);
  Mysql alice2 = as(weir, kAlice);
  Mysql bob = as(weir, kBob);
  Mysql admin = as(weir, kAdmin);
  Mysql roler = as(weir, kRoler);
  ASSERT_TRUE(alice && alice2 && bob && admin && roler);
  const std::string id = id_of(alice.get());
  const std::string thread = scalar_of(alice.get(), "SELECT CONNECTION_ID()");
  ASSERT_TRUE(released(server, thread)) << "alice's session still holds backend thread " << thread;

  EXPECT_EQ(run(bob.get(), "KILL " + id), not_owner(id)) << weir.log();
  EXPECT_EQ(run(bob.get(), "KILL QUERY " + id), not_owner(id));
  EXPECT_EQ(kill_with_api(bob.get(), mysql_thread_id(alice.get())), not_owner(id));
  // The thread CONNECTION_ID() named is gone: the server's answer for it.
  EXPECT_EQ(run(bob.get(), "KILL " + thread), "1094 HY000 Unknown thread id: " + thread);
  // A role that is not active gives nothing.
  EXPECT_EQ(run(roler.get(), "KILL " + id), not_owner(id));
  EXPECT_EQ(scalar_of(alice.get(), "SELECT 'still here'"), "still here");

  // The owner: KILL QUERY has nothing to stop; KILL ends the session.
  const std::string thread_again = scalar_of(alice.get(), "SELECT CONNECTION_ID()");
  ASSERT_TRUE(released(server, thread_again));
  EXPECT_EQ(run(alice2.get(), "KILL QUERY " + id), "OK");
  EXPECT_EQ(scalar_of(alice.get(), "SELECT 8"), "8");
  ASSERT_TRUE(released(server, scalar_of(alice.get(), "SELECT CONNECTION_ID()")));
  EXPECT_EQ(run(alice2.get(), "KILL " + id), "OK") << weir.log();
  EXPECT_TRUE(gone(alice.get()));

  // An admin (its own backend connection given back too: weir asks the server on a new one).
  const std::string bob_id = id_of(bob.get());
  ASSERT_TRUE(released(server, scalar_of(bob.get(), "SELECT CONNECTION_ID()")));
  ASSERT_TRUE(released(server, scalar_of(admin.get(), "SELECT CONNECTION_ID()")));
  EXPECT_EQ(run(admin.get(), "KILL " + bob_id), "OK") << weir.log();
  EXPECT_TRUE(gone(bob.get()));

  // A role activated earlier is replayed on the connection weir asks the server on.
  ASSERT_EQ(run(roler.get(), "SET ROLE killer"), "OK");
  ASSERT_TRUE(released(server, scalar_of(roler.get(), "SELECT CONNECTION_ID()")));
  const std::string alice2_id = id_of(alice2.get());
  ASSERT_TRUE(released(server, scalar_of(alice2.get(), "SELECT CONNECTION_ID()")));
  EXPECT_EQ(kill_with_api(roler.get(), mysql_thread_id(alice2.get())), "OK") << weir.log();
  EXPECT_TRUE(gone(alice2.get()));
}

TEST(KillThroughWeir, ASessionKillingItselfGetsTheServersAnswer) {
  MariadbServer server;
  prepare_kill_server(server);
  WeirProcess weir(kill_weir(server));
  Mysql alice = as(weir, kAlice);
  ASSERT_TRUE(alice);
  const std::string id = id_of(alice.get());
  EXPECT_EQ(run(alice.get(), "KILL QUERY " + id), "1317 70100 Query execution was interrupted");
  EXPECT_EQ(scalar_of(alice.get(), "SELECT 9"), "9");
  EXPECT_EQ(run(alice.get(), "KILL " + id), "1927 70100 Connection was killed");
  EXPECT_TRUE(gone(alice.get()));
}

}  // namespace
}  // namespace weir::testing::proxy_tests
