// Properties of every connection-phase parser on mutated real messages: no crash, errors name a
// field inside the input, and whatever parses re-serializes to something that parses to the same
// value (the parsers and serializers agree on every accepted input, not only on the fixtures).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "handshake_test_util.hpp"
#include "weir/protocol/auth_exchange.hpp"
#include "weir/protocol/framing.hpp"
#include "weir/protocol/handshake.hpp"

namespace weir::protocol {
namespace {

using testing_hex::unhex;

// Captured from MariaDB 10.11.19, libmariadb 3.3.20 and mysql-connector-python 9.1.0.
const char* const kGreeting =
    "0a352e352e352d31302e31312e31392d4d6172696144422d302b646562313275310004000000246245"
    "6f22566c3c00feff080200ff81150000000000001d000000264771286e7378223c462e51006d797371"
    "6c5f6e61746976655f70617373776f726400";
const char* const kResponse =
    "8ca2bf000000100021000000000000000000000000000000000000001d00000061707000149795d01c8bffac97c5baa020fbfe78d"
    "fb19ac2b973686f70006d7973716c5f6e61746976655f70617373776f7264007e035f6f73054c696e75780c5f636c69656e745f6e"
    "616d650a6c69626d617269616462045f70696404373737380f5f636c69656e745f76657273696f6e06332e332e3230095f706c6174"
    "666f726d067838365f36340c70726f6772616d5f6e616d65056d7973716c0c5f7365727665725f686f7374093132372e302e302e31";
const char* const kChangeUser =
    "11617070001491d3020d3d078c9440c0539857fb4c4f480c6ace6d7973716c002d006d7973716c5f6e61746976655f70617373776f72"
    "64008b045f7069640436333038095f706c6174666f726d067838365f36340c5f736f757263655f686f737402766d0c5f636c69656e74"
    "5f6e616d65166d7973716c2d636f6e6e6563746f722d707974686f6e0f5f636c69656e745f6c6963656e73650747504c2d322e300f5f"
    "636c69656e745f76657273696f6e05392e312e30035f6f730944656269616e2d3132";
const char* const kAuthSwitch =
    "fe6d7973716c5f6e61746976655f70617373776f726400556c42446f22576f4c6b5753792a60263b37422400";
const char* const kSslRequest = "84aabf000000100021000000000000000000000000000000000000001d000000";

constexpr CapabilityFlags kSessionCaps = 0x003ba20dULL;

// Every single-byte substitution with interesting values, every truncation, and random
// multi-byte mutations from a fixed seed.
std::vector<Buffer> mutations_of(const Buffer& base) {
  std::vector<Buffer> out;
  static constexpr std::uint8_t kValues[] = {0x00, 0x01, 0x0a, 0x7f, 0x80, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff};
  for (std::size_t i = 0; i < base.size(); ++i) {
    for (const std::uint8_t v : kValues) {
      Buffer m = base;
      m[i] = v;
      out.push_back(std::move(m));
    }
    out.emplace_back(base.begin(), base.begin() + static_cast<std::ptrdiff_t>(i));
  }
  std::mt19937 rng(12345);
  for (int round = 0; round < 2000; ++round) {
    Buffer m = base;
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits && !m.empty(); ++e) {
      const std::size_t pos = rng() % m.size();
      switch (rng() % 3) {
        case 0: m[pos] = static_cast<std::uint8_t>(rng()); break;
        case 1: m.erase(m.begin() + static_cast<std::ptrdiff_t>(pos)); break;
        default: m.insert(m.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<std::uint8_t>(rng())); break;
      }
    }
    out.push_back(std::move(m));
  }
  return out;
}

template <class Parse, class Serialize>
void check_parser(const char* base_hex, Parse parse, Serialize reserialize) {
  int accepted = 0;
  for (const Buffer& input : mutations_of(unhex(base_hex))) {
    const auto parsed = parse(Bytes(input));
    if (!parsed.ok()) {
      EXPECT_STRNE(parsed.error().field, "");
      EXPECT_LE(parsed.error().offset, input.size());
      continue;
    }
    ++accepted;
    Buffer again;
    reserialize(*parsed, again);
    const auto reparsed = parse(Bytes(again));
    ASSERT_TRUE(reparsed.ok()) << testing_hex::to_hex(input) << ": " << reparsed.error().message();
    EXPECT_EQ(*reparsed, *parsed) << testing_hex::to_hex(input);
  }
  EXPECT_GT(accepted, 0);
}

TEST(HandshakeProperties, Greeting) {
  check_parser(
      kGreeting, [](Bytes b) { return parse_handshake_v10(b); },
      [](const HandshakeV10& v, Buffer& out) { serialize(v, out); });
}

TEST(HandshakeProperties, SslRequest) {
  check_parser(
      kSslRequest, [](Bytes b) { return parse_ssl_request(b); },
      [](const SslRequest& v, Buffer& out) { serialize(v, out); });
}

TEST(HandshakeProperties, HandshakeResponse) {
  check_parser(
      kResponse, [](Bytes b) { return parse_handshake_response(b); },
      [](const HandshakeResponse41& v, Buffer& out) { serialize(v, out); });
}

TEST(HandshakeProperties, ChangeUser) {
  check_parser(
      kChangeUser, [](Bytes b) { return parse_change_user(b, kSessionCaps); },
      [](const ChangeUser& v, Buffer& out) { serialize(v, kSessionCaps, out); });
  check_parser(
      kChangeUser, [](Bytes b) { return parse_change_user(b, cap::kProtocol41); },
      [](const ChangeUser& v, Buffer& out) { serialize(v, cap::kProtocol41, out); });
}

TEST(HandshakeProperties, AuthSwitchRequest) {
  check_parser(
      kAuthSwitch, [](Bytes b) { return parse_auth_switch_request(b); },
      [](const AuthSwitchRequest& v, Buffer& out) { serialize(v, out); });
}

TEST(HandshakeProperties, AuthMoreData) {
  check_parser(
      "0104", [](Bytes b) { return parse_auth_more_data(b); },
      [](const AuthMoreData& v, Buffer& out) { serialize(v, out); });
}

// The same messages framed and fed to the assembler split at every byte offset parse the same.
TEST(HandshakeProperties, EveryChunkingParsesTheSame) {
  const Buffer greeting = unhex(kGreeting);
  const Buffer response = unhex(kResponse);
  Buffer stream;
  std::uint8_t seq = append_packet(stream, greeting, 0);
  seq = append_packet(stream, response, seq);
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    PacketAssembler assembler;
    std::vector<Buffer> payloads;
    auto drain = [&] {
      for (;;) {
        auto next = assembler.next();
        ASSERT_TRUE(next.ok()) << next.error().message();
        if (!next->has_value()) return;
        payloads.emplace_back((**next).payload.begin(), (**next).payload.end());
      }
    };
    assembler.feed(Bytes(stream).first(split));
    drain();
    assembler.feed(Bytes(stream).subspan(split));
    drain();
    ASSERT_EQ(payloads.size(), 2u) << split;
    const auto g = parse_handshake_v10(payloads[0]);
    const auto r = parse_handshake_response(payloads[1]);
    ASSERT_TRUE(g.ok() && r.ok()) << split;
    EXPECT_EQ(*g, *parse_handshake_v10(greeting));
    EXPECT_EQ(*r, *parse_handshake_response(response));
  }
}

}  // namespace
}  // namespace weir::protocol
