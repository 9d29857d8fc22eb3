// weir's connection-phase codec and scrambles against a real mariadbd: parse its greeting, log in
// with serialized HandshakeResponse41 / AuthSwitchResponse / COM_CHANGE_USER packets, and log in
// with a SHA1(password) recovered from another connection's scramble, as the proxy does.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include "weir/protocol/auth.hpp"
#include "weir/protocol/auth_exchange.hpp"
#include "weir/protocol/framing.hpp"
#include "weir/protocol/handshake.hpp"
#include "weir/testing/mariadb_server.hpp"

namespace weir::protocol {
namespace {

using testing::MariadbServer;

// A blocking client socket speaking framed packets; enough for the connection phase.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect() to 127.0.0.1:" + std::to_string(port) + " failed");
    }
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  Buffer read_packet() {
    for (;;) {
      auto next = assembler_.next();
      if (!next.ok()) throw std::runtime_error("framing: " + next.error().message());
      if (next->has_value()) {
        const Packet& p = **next;
        sequence_ = static_cast<std::uint8_t>(p.last_sequence_id + 1);
        return Buffer(p.payload.begin(), p.payload.end());
      }
      std::uint8_t chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) throw std::runtime_error("connection closed or timed out while reading a packet");
      assembler_.feed(Bytes(chunk, static_cast<std::size_t>(n)));
    }
  }

  void write_packet(const Buffer& payload) {
    Buffer frame;
    sequence_ = append_packet(frame, payload, sequence_);
    std::size_t sent = 0;
    while (sent < frame.size()) {
      const ssize_t n = ::send(fd_, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send() failed");
      sent += static_cast<std::size_t>(n);
    }
  }

  // A command starts a new sequence.
  void start_command() {
    sequence_ = 0;
    assembler_.reset_sequence();
  }

 private:
  int fd_;
  PacketAssembler assembler_;
  std::uint8_t sequence_ = 0;
};

constexpr CapabilityFlags kClientCaps = cap::kLongFlag | cap::kConnectWithDb | cap::kProtocol41 | cap::kTransactions |
                                        cap::kSecureConnection | cap::kMultiResults | cap::kPluginAuth |
                                        cap::kConnectAttrs | cap::kPluginAuthLenencClientData |
                                        cap::kMariadbExtendedTypeInfo;

bool contains(const Buffer& haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) != haystack.end();
}

// Sends COM_QUERY and scans the packets of a one-row result for `needle`.
bool query_returns(RawConnection& c, std::string_view sql, std::string_view needle) {
  c.start_command();
  Buffer query{0x03};
  query.insert(query.end(), sql.begin(), sql.end());
  c.write_packet(query);
  for (int i = 0; i < 6; ++i) {
    if (contains(c.read_packet(), needle)) return true;
  }
  return false;
}

class HandshakeLive : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<MariadbServer>();
    server_->execute("CREATE DATABASE shop");
    server_->create_user("app", "s3cret pw");
    server_->create_user("other", "another");
  }
  static void TearDownTestSuite() { server_.reset(); }

  struct Greeted {
    std::unique_ptr<RawConnection> conn;
    Buffer raw;
    HandshakeV10 greeting;
  };

  static Greeted greet() {
    Greeted g;
    g.conn = std::make_unique<RawConnection>(server_->port());
    g.raw = g.conn->read_packet();
    auto parsed = parse_handshake_v10(g.raw);
    if (!parsed.ok()) throw std::runtime_error("greeting: " + parsed.error().message());
    g.greeting = std::move(*parsed);
    return g;
  }

  static HandshakeResponse41 response_for(const HandshakeV10& greeting, std::string user, std::string auth,
                                          std::string plugin = std::string(kMysqlNativePassword)) {
    HandshakeResponse41 r;
    r.capabilities = kClientCaps & greeting.capabilities;
    r.max_packet_size = 1 << 24;
    r.character_set = 0x21;
    r.username = std::move(user);
    r.auth_response = std::move(auth);
    r.database = "shop";
    r.auth_plugin_name = std::move(plugin);
    r.connect_attributes = {{"_client_name", "weir-handshake-test"}, {"program_name", "weir"}};
    return r;
  }

  static void send(RawConnection& c, const HandshakeResponse41& r) {
    Buffer payload;
    serialize(r, payload);
    c.write_packet(payload);
  }

  static inline std::unique_ptr<MariadbServer> server_;
};

TEST_F(HandshakeLive, GreetingParsesAndReserializesByteForByte) {
  const Greeted g = greet();
  EXPECT_EQ(g.greeting.server_version.rfind("5.5.5-10.11.", 0), 0u) << g.greeting.server_version;
  EXPECT_EQ(strip_replication_prefix(g.greeting.server_version).substr(0, 6), "10.11.");
  EXPECT_EQ(g.greeting.auth_plugin_name, kMysqlNativePassword);
  EXPECT_EQ(scramble_nonce(g.greeting).size(), kScrambleLength);
  EXPECT_TRUE(has(g.greeting.capabilities, cap::kProtocol41 | cap::kSecureConnection | cap::kPluginAuth));
  EXPECT_FALSE(has(g.greeting.capabilities, cap::kLongPassword));  // MariaDB: extended caps follow
  EXPECT_TRUE(has(g.greeting.capabilities, cap::kMariadbExtendedTypeInfo));
  Buffer again;
  serialize(g.greeting, again);
  EXPECT_EQ(again, g.raw);
}

TEST_F(HandshakeLive, NativeScrambleLogsIn) {
  Greeted g = greet();
  send(*g.conn, response_for(g.greeting, "app", auth::native_scramble("s3cret pw", scramble_nonce(g.greeting))));
  const Buffer reply = g.conn->read_packet();
  ASSERT_EQ(classify_auth_reply(reply), AuthReplyKind::ok) << std::string(reply.begin(), reply.end());
  EXPECT_TRUE(query_returns(*g.conn, "SELECT CURRENT_USER()", "app@%"));
  EXPECT_TRUE(query_returns(*g.conn, "SELECT DATABASE()", "shop"));
}

TEST_F(HandshakeLive, WrongPasswordIsRefused) {
  Greeted g = greet();
  send(*g.conn, response_for(g.greeting, "app", auth::native_scramble("wrong", scramble_nonce(g.greeting))));
  const Buffer reply = g.conn->read_packet();
  ASSERT_EQ(classify_auth_reply(reply), AuthReplyKind::err);
  EXPECT_EQ(reply[1] | (reply[2] << 8), 1045);  // ER_ACCESS_DENIED_ERROR
}

TEST_F(HandshakeLive, CachingSha2StartIsSwitchedToNative) {
  Greeted g = greet();
  send(*g.conn, response_for(g.greeting, "app", auth::caching_sha2_scramble("s3cret pw", scramble_nonce(g.greeting)),
                             std::string(kCachingSha2Password)));
  const Buffer reply = g.conn->read_packet();
  ASSERT_EQ(classify_auth_reply(reply), AuthReplyKind::auth_switch);
  const auto request = parse_auth_switch_request(reply);
  ASSERT_TRUE(request.ok()) << request.error().message();
  EXPECT_EQ(request->plugin_name, kMysqlNativePassword);
  EXPECT_EQ(request->plugin_data.size(), kScrambleLength + 1);
  Buffer answer;
  serialize(AuthSwitchResponse{auth::native_scramble("s3cret pw", auth_switch_nonce(*request))}, answer);
  g.conn->write_packet(answer);
  EXPECT_EQ(classify_auth_reply(g.conn->read_packet()), AuthReplyKind::ok);
}

TEST_F(HandshakeLive, RecoveredStage1LogsInOnAnotherConnection) {
  const auto text = server_->scalar("SELECT authentication_string FROM mysql.user WHERE user = 'app'");
  ASSERT_TRUE(text.has_value());
  const auto stored = auth::parse_native_hash(*text);
  ASSERT_TRUE(stored.ok()) << *text;

  // What a client sends to the proxy for the proxy's nonce.
  const std::string proxy_nonce = "proxy-nonce-20-bytes";
  const std::string client_answer = auth::native_scramble("s3cret pw", proxy_nonce);
  const auto stage1 = auth::native_recover_stage1(client_answer, proxy_nonce, *stored);
  ASSERT_TRUE(stage1.has_value());

  // The proxy answers the backend's nonce without knowing the password.
  Greeted g = greet();
  send(*g.conn,
       response_for(g.greeting, "app", auth::native_scramble_from_stage1(*stage1, scramble_nonce(g.greeting))));
  EXPECT_EQ(classify_auth_reply(g.conn->read_packet()), AuthReplyKind::ok);
}

// COM_CHANGE_USER answers the greeting's nonce; a server may also switch plugins with a new one.
AuthReplyKind change_user(RawConnection& c, const HandshakeV10& greeting, CapabilityFlags session_caps,
                          const std::string& user, const std::string& password) {
  c.start_command();
  ChangeUser change{user,
                    auth::native_scramble(password, scramble_nonce(greeting)),
                    "shop",
                    std::uint16_t{0x21},
                    std::string(kMysqlNativePassword),
                    {{"_client_name", "weir-handshake-test"}}};
  Buffer payload;
  serialize(change, session_caps, payload);
  c.write_packet(payload);
  Buffer reply = c.read_packet();
  if (classify_auth_reply(reply) == AuthReplyKind::auth_switch) {
    const auto request = parse_auth_switch_request(reply);
    if (!request.ok()) return AuthReplyKind::unknown;
    Buffer answer;
    serialize(AuthSwitchResponse{auth::native_scramble(password, auth_switch_nonce(*request))}, answer);
    c.write_packet(answer);
    reply = c.read_packet();
  }
  return classify_auth_reply(reply);
}

TEST_F(HandshakeLive, ChangeUserSwitchesIdentity) {
  Greeted g = greet();
  const HandshakeResponse41 login =
      response_for(g.greeting, "app", auth::native_scramble("s3cret pw", scramble_nonce(g.greeting)));
  send(*g.conn, login);
  ASSERT_EQ(classify_auth_reply(g.conn->read_packet()), AuthReplyKind::ok);

  EXPECT_EQ(change_user(*g.conn, g.greeting, login.capabilities, "other", "wrong"), AuthReplyKind::err);

  // Then the right password, from a fresh session.
  Greeted h = greet();
  const HandshakeResponse41 again =
      response_for(h.greeting, "app", auth::native_scramble("s3cret pw", scramble_nonce(h.greeting)));
  send(*h.conn, again);
  ASSERT_EQ(classify_auth_reply(h.conn->read_packet()), AuthReplyKind::ok);
  ASSERT_EQ(change_user(*h.conn, h.greeting, again.capabilities, "other", "another"), AuthReplyKind::ok);
  EXPECT_TRUE(query_returns(*h.conn, "SELECT CURRENT_USER()", "other@%"));
}

}  // namespace
}  // namespace weir::protocol
