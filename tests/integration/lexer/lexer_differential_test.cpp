// Differential test of weir's lexer against mariadbd's (issue 15): texts generated to combine
// comments of every form, executable comments with versions below and above the server's, nested
// comments, strings and identifiers in every quote style with escapes, ';', control bytes and
// multibyte bytes, in each sql_mode and client charset that changes how the server lexes. Every text
// that weir's classifier would send to a replica is run once on a real server with
// CLIENT_MULTI_STATEMENTS, and the server is the oracle: a row in the canary table is a write
// weir did not see, and the number of result sets must be weir's number of statements.
//
// WEIR_DIFFERENTIAL_TEXTS (default 20000) texts, WEIR_DIFFERENTIAL_SEED (default 15) the seed,
// WEIR_DIFFERENTIAL_SECONDS (default 60) the time bound. Text i is made from seed + i alone, so a
// divergence is reproduced with WEIR_DIFFERENTIAL_SEED=<seed + i> WEIR_DIFFERENTIAL_TEXTS=1.
#include <mysql.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "weir/route/classify.hpp"
#include "weir/route/lexer.hpp"
#include "weir/testing/mariadb_server.hpp"

namespace weir::testing {
namespace {

using namespace std::string_literals;

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::strtoull(value, nullptr, 10) : fallback;
}

// 10.11.19-MariaDB-0+deb12u1 -> 101119
std::uint32_t version_number(const std::string& text) {
  unsigned major = 0, minor = 0, patch = 0;
  if (std::sscanf(text.c_str(), "%u.%u.%u", &major, &minor, &patch) != 3) return 0;
  return major * 10000 + minor * 100 + patch;
}

constexpr const char* kSqlModes[] = {"",
                                     "ANSI_QUOTES",
                                     "NO_BACKSLASH_ESCAPES",
                                     "ANSI_QUOTES,NO_BACKSLASH_ESCAPES",
                                     "MSSQL",
                                     "ORACLE",
                                     "PIPES_AS_CONCAT,IGNORE_SPACE,HIGH_NOT_PRECEDENCE"};
// utf8mb4; single-byte ones with spaces (0xa0, 0xff) and controls above 0x7e; the multibyte ones whose
// second bytes can be ASCII (gb18030 too, but MariaDB 10.11 lacks it); one whose second bytes cannot.
constexpr const char* kCharsets[] = {"utf8mb4", "latin1", "cp850", "latin2", "hp8",
                                     "big5",    "gbk",    "sjis",  "cp932",  "ujis"};
bool ascii_trail_bytes(std::string_view charset) {
  return charset == "big5" || charset == "gbk" || charset == "sjis" || charset == "cp932" || charset == "gb18030";
}

// Pieces of text; a generated text is "SELECT 1" followed by a few of them, with the canary write
// after a ';' somewhere in between.
const std::vector<std::string>& fragments() {
  static const std::vector<std::string> pieces = {"'",
                                                  "\"",
                                                  "`",
                                                  "[",
                                                  "]",
                                                  "/*",
                                                  "*/",
                                                  "/*!",
                                                  "/*!50100 ",
                                                  "/*!99999 ",
                                                  "/*!50700 ",
                                                  "/*!100000 ",
                                                  "/*!999999",
                                                  "/*M!",
                                                  "/*M!100000 ",
                                                  "/*M!999999 ",
                                                  "/*M!50800 ",
                                                  "/*+ ",
                                                  "/* */",
                                                  "-- ",
                                                  "--",
                                                  "#",
                                                  "\n",
                                                  "\r",
                                                  "\\",
                                                  "\\'",
                                                  "\\\"",
                                                  "\\`",
                                                  "\\\\",
                                                  "''",
                                                  "\"\"",
                                                  "``",
                                                  "]]",
                                                  ";",
                                                  " ",
                                                  "\t",
                                                  "\v",
                                                  "\f",
                                                  "\x01",
                                                  "\x1f",
                                                  "\x7f",
                                                  "\0"s,
                                                  "\xa0",
                                                  "\xff",
                                                  "\xbf",
                                                  "\xa1",
                                                  "\x81",
                                                  "\x5c",
                                                  "\xc3\xa9",
                                                  "\x81\x30\x81\x30",
                                                  "\xbf\\",
                                                  "\xa1`",
                                                  "\x81]",
                                                  "@",
                                                  "@@",
                                                  "@`",
                                                  "@'",
                                                  "@\"",
                                                  "@x",
                                                  "1",
                                                  "a",
                                                  "x",
                                                  "1e",
                                                  ".",
                                                  "0x",
                                                  ",",
                                                  "(",
                                                  ")",
                                                  "*",
                                                  "/",
                                                  "-",
                                                  "=",
                                                  ":=",
                                                  "N'",
                                                  "X'",
                                                  "_gbk'",
                                                  "_latin1'",
                                                  "AS",
                                                  " FROM DUAL",
                                                  " FOR UPDATE",
                                                  "SELECT",
                                                  "@@tx_read_only",
                                                  "--\x01",
                                                  "--\x7f",
                                                  "--\xa0",
                                                  "--\xff",
                                                  "--\t",
                                                  "#\x7f",
                                                  "/*!99999 /* */",
                                                  "/*!99999 /*",
                                                  "*/*",
                                                  "-- '\n",
                                                  "'\\'",
                                                  "\"\\\"",
                                                  "`\\`",
                                                  "[\\]"};
  return pieces;
}

const std::vector<std::string>& canaries() {
  static const std::vector<std::string> writes = {";INSERT INTO canary VALUES (1)", "; INSERT INTO canary VALUES (1);",
                                                  ";INSERT INTO canary SELECT 1 ", ";\nINSERT INTO canary VALUES(1)#"};
  return writes;
}

struct Generated {
  std::string text;
  std::size_t sql_mode = 0;
  std::size_t charset = 0;
  bool mode_known = true;     // the session knows sql_mode
  bool version_known = true;  // the session knows the server's version
};

Generated generate(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  Generated g;
  g.sql_mode = pick(std::size(kSqlModes));
  g.charset = pick(std::size(kCharsets));
  g.mode_known = pick(4) != 0;
  g.version_known = pick(4) != 0;
  g.text = "SELECT 1";
  const std::size_t pieces = 1 + pick(9);
  const std::size_t canary_at = pick(pieces + 1);
  for (std::size_t i = 0; i <= pieces; ++i) {
    if (i == canary_at) g.text += canaries()[pick(canaries().size())];
    if (i < pieces) g.text += fragments()[pick(fragments().size())];
  }
  return g;
}

// Result sets (or OKs) the server returns when weir reads the text right: one per non-empty run of
// tokens between ';', and one more when only comments follow the last ';' (measured: the server
// answers such a tail with an OK; a tail of spaces alone gets nothing).
int expected_results(std::string_view sql, const route::SessionView& view) {
  route::LexOptions options;
  options.no_backslash_escapes = view.no_backslash_escapes;
  options.ansi_quotes = view.ansi_quotes;
  options.mssql_brackets = view.mssql_brackets;
  options.sql_mode_unknown = !view.sql_mode_known;
  options.backslash_trail_bytes = view.client_charset_backslash_trail_bytes;
  options.server_version = view.server_version;
  route::Lexer lexer(sql, options);
  int statements = 0;
  bool in_statement = false;
  std::size_t tail = std::string_view::npos;  // after the last ';'
  for (route::Token t = lexer.next(); t.kind != route::TokenKind::end; t = lexer.next()) {
    if (t.kind == route::TokenKind::semicolon) {
      in_statement = false;
      tail = t.offset + 1;
    } else if (!in_statement) {
      in_statement = true;
      ++statements;
    }
  }
  if (!in_statement && tail != std::string_view::npos &&
      sql.find_first_not_of(" \t\n\r\f\v", tail) != std::string_view::npos) {
    ++statements;
  }
  return statements;
}

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f && c != '\\') {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", b);
      out += hex;
    }
  }
  return out;
}

struct ServerAnswer {
  int results = 0;     // result sets and OKs before the first error
  unsigned error = 0;  // the first error, 0 when none
  long long canary_rows = 0;
};

class Oracle {
 public:
  explicit Oracle(MariadbServer& server) : server_(server) {}

  ServerAnswer run(const Generated& g) {
    MYSQL* m = connection(g.sql_mode, g.charset);
    ServerAnswer answer;
    if (mysql_real_query(m, g.text.data(), g.text.size()) != 0) {
      answer.error = mysql_errno(m);
    } else {
      int status = 0;
      do {
        ++answer.results;
        if (MYSQL_RES* res = mysql_store_result(m)) mysql_free_result(res);
        status = mysql_next_result(m);
      } while (status == 0);
      if (status > 0) answer.error = mysql_errno(m);
    }
    answer.canary_rows = canary_rows(m);
    return answer;
  }

  void clear_canary() {
    for (auto& [key, m] : connections_) mysql_query(m.get(), "DELETE FROM canary");
  }

 private:
  struct Closer {
    void operator()(MYSQL* m) const { mysql_close(m); }
  };

  static long long canary_rows(MYSQL* m) {
    if (mysql_query(m, "SELECT COUNT(*) FROM canary") != 0) return -1;
    MYSQL_RES* res = mysql_store_result(m);
    long long rows = -1;
    if (res != nullptr) {
      if (MYSQL_ROW row = mysql_fetch_row(res); row != nullptr && row[0] != nullptr) rows = std::atoll(row[0]);
      mysql_free_result(res);
    }
    return rows;
  }

  MYSQL* connection(std::size_t sql_mode, std::size_t charset) {
    auto& slot = connections_[{sql_mode, charset}];
    if (slot) return slot.get();
    slot.reset(mysql_init(nullptr));
    if (mysql_real_connect(slot.get(), server_.host().c_str(), server_.user().c_str(), server_.password().c_str(),
                           "lexer", server_.port(), nullptr, CLIENT_MULTI_STATEMENTS) == nullptr) {
      throw std::runtime_error("connect: "s + mysql_error(slot.get()));
    }
    const std::string setup = "SET NAMES "s + kCharsets[charset] + ", SESSION sql_mode = '" + kSqlModes[sql_mode] + "'";
    if (mysql_query(slot.get(), setup.c_str()) != 0) throw std::runtime_error(setup + ": " + mysql_error(slot.get()));
    return slot.get();
  }

  MariadbServer& server_;
  std::map<std::pair<std::size_t, std::size_t>, std::unique_ptr<MYSQL, Closer>> connections_;
};

TEST(LexerDifferential, NoTextWeirSendsToAReplicaWritesOnTheServer) {
  MariadbServer server;
  server.execute("CREATE DATABASE lexer");
  server.execute("CREATE TABLE lexer.canary (i INT)");
  const std::uint32_t version = version_number(server.scalar("SELECT VERSION()").value_or(""));
  ASSERT_NE(version, 0u);
  Oracle oracle(server);

  const std::uint64_t texts = env_number("WEIR_DIFFERENTIAL_TEXTS", 20000);
  const std::uint64_t seed = env_number("WEIR_DIFFERENTIAL_SEED", 15);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(env_number("WEIR_DIFFERENTIAL_SECONDS", 60));
  const route::ClassifyOptions options;

  std::uint64_t tried = 0, to_replica = 0, server_errors = 0, hidden_writes = 0, count_mismatches = 0;
  std::map<std::string, std::uint64_t> replica_by_mode;
  for (std::uint64_t i = 0; i < texts && std::chrono::steady_clock::now() < deadline; ++i) {
    const Generated g = generate(seed + i);
    ++tried;
    const auto lexing = route::lexing_of_sql_mode(kSqlModes[g.sql_mode]);
    route::SessionView view;
    view.sql_mode_known = g.mode_known;
    view.ansi_quotes = g.mode_known && lexing.ansi_quotes;
    view.mssql_brackets = g.mode_known && lexing.mssql_brackets;
    view.no_backslash_escapes = lexing.no_backslash_escapes;  // the status flag of every OK
    view.client_charset_backslash_trail_bytes = ascii_trail_bytes(kCharsets[g.charset]);
    view.server_version = g.version_known ? version : 0;
    const route::Classification verdict = route::classify(g.text, options, view);
    if (verdict.target != route::Target::replica) continue;
    ++to_replica;
    ++replica_by_mode[std::string(kSqlModes[g.sql_mode]) + "/" + kCharsets[g.charset]];

    const ServerAnswer answer = oracle.run(g);
    const std::string where = "seed " + std::to_string(seed + i) + " sql_mode '" + kSqlModes[g.sql_mode] + "' " +
                              kCharsets[g.charset] + (g.mode_known ? "" : " (mode unknown)") +
                              (g.version_known ? "" : " (version unknown)") + ": " + printable(g.text);
    if (answer.canary_rows != 0) {
      ++hidden_writes;
      ADD_FAILURE() << "hidden write (" << answer.canary_rows << " canary rows), " << where;
      oracle.clear_canary();
    }
    if (answer.error != 0) {
      ++server_errors;
    } else if (answer.results != expected_results(g.text, view)) {
      ++count_mismatches;
      ADD_FAILURE() << "the server returned " << answer.results << " results, weir expects "
                    << expected_results(g.text, view) << ", " << where;
    }
  }
  std::printf(
      "lexer differential: %llu texts tried, %llu to a replica (%llu server errors), %llu hidden writes, "
      "%llu statement count mismatches\n",
      static_cast<unsigned long long>(tried), static_cast<unsigned long long>(to_replica),
      static_cast<unsigned long long>(server_errors), static_cast<unsigned long long>(hidden_writes),
      static_cast<unsigned long long>(count_mismatches));
  EXPECT_EQ(hidden_writes, 0u);
  EXPECT_GT(to_replica, tried / 50) << "the generator hardly produces texts weir sends to a replica";
}

}  // namespace
}  // namespace weir::testing
