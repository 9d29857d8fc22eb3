#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "session/session_command_history.hpp"

namespace weir::session {
namespace {

protocol::Buffer packet(std::string_view sql) {
  std::string text = "\x03";
  text += sql;
  return protocol::Buffer(text.begin(), text.end());
}

TEST(SessionCommandHistory, AfterReturnsWhatAConnectionMissed) {
  SessionCommandHistory h;
  EXPECT_EQ(h.last(), 0U);
  EXPECT_TRUE(h.after(0).empty());
  ASSERT_TRUE(h.add(packet("SET NAMES utf8mb4")));
  ASSERT_TRUE(h.add(packet("USE db")));
  EXPECT_EQ(h.last(), 2U);
  EXPECT_EQ(h.after(0).size(), 2U);
  ASSERT_EQ(h.after(1).size(), 1U);
  EXPECT_EQ(h.after(1)[0], packet("USE db"));
  EXPECT_TRUE(h.after(2).empty());
}

TEST(SessionCommandHistory, ClearKeepsNumbersGrowing) {
  SessionCommandHistory h;
  h.add(packet("SET @a=1"));
  h.add(packet("SET @b=2"));
  h.clear();
  EXPECT_EQ(h.last(), 2U);
  h.add(packet("SET @c=3"));
  EXPECT_EQ(h.last(), 3U);
  ASSERT_EQ(h.after(0).size(), 1U);  // a connection from before the reset gets only the new one
  EXPECT_EQ(h.after(0)[0], packet("SET @c=3"));
  EXPECT_TRUE(h.after(3).empty());
}

TEST(SessionCommandHistory, FullStaysFullUntilCleared) {
  SessionCommandHistory h(2);
  EXPECT_TRUE(h.add(packet("SET @a=1")));
  EXPECT_TRUE(h.add(packet("SET @a=2")));
  EXPECT_FALSE(h.add(packet("SET @a=3")));
  EXPECT_TRUE(h.full());
  EXPECT_FALSE(h.add(packet("SET @a=4")));
  h.clear();
  EXPECT_FALSE(h.full());
  EXPECT_TRUE(h.add(packet("SET @a=5")));
}

TEST(SessionCommandHistory, TheStateNamesTheCommandsExactly) {
  SessionCommandHistory a;
  SessionCommandHistory b;
  EXPECT_EQ(a.state(), "");
  a.add(packet("SET @a=1"));
  b.add(packet("SET @a=1"));
  EXPECT_EQ(a.state(), b.state());
  EXPECT_NE(a.state(), "");
  // Lengths keep the boundaries: "ab" then "c" is not "a" then "bc".
  SessionCommandHistory c;
  SessionCommandHistory d;
  c.add(packet("ab"));
  c.add(packet("c"));
  d.add(packet("a"));
  d.add(packet("bc"));
  EXPECT_NE(c.state(), d.state());
  a.clear();
  EXPECT_EQ(a.state(), "");
}

}  // namespace
}  // namespace weir::session
