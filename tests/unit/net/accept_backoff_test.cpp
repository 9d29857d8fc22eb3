// The pause after a failed accept: descriptor and memory shortages back off, doubling to a bound;
// one client's error does not; a streak is reported once when it starts and once when it ends.
#include "net/accept_backoff.hpp"

#include <gtest/gtest.h>

#include <cerrno>

namespace weir::net {
namespace {

using std::chrono::milliseconds;

TEST(AcceptBackoff, ShortagesDoubleThePauseUpToOneSecond) {
  AcceptBackoff backoff;
  const milliseconds expected[] = {milliseconds(10),   milliseconds(20),  milliseconds(40),  milliseconds(80),
                                   milliseconds(160),  milliseconds(320), milliseconds(640), milliseconds(1000),
                                   milliseconds(1000), milliseconds(1000)};
  bool first = true;
  for (const auto pause : expected) {
    const auto step = backoff.failed(EMFILE);
    EXPECT_EQ(step.pause, pause);
    EXPECT_EQ(step.starts_streak, first);
    first = false;
  }
}

TEST(AcceptBackoff, ShortagesBackOffAndOneClientsErrorsRetryAtOnce) {
  // Shortages, and errors that are not one client's (0: not a system error), back off.
  for (const int e : {EMFILE, ENFILE, ENOBUFS, ENOMEM, EINVAL, 0}) {
    EXPECT_FALSE(AcceptBackoff::is_one_clients(e)) << e;
    AcceptBackoff backoff;
    EXPECT_EQ(backoff.failed(e).pause, milliseconds(10)) << e;
  }
  for (const int e : {ECONNABORTED, EPROTO, EPERM, EINTR, ENETUNREACH}) {
    EXPECT_TRUE(AcceptBackoff::is_one_clients(e)) << e;
    AcceptBackoff backoff;
    const auto step = backoff.failed(e);
    EXPECT_EQ(step.pause, milliseconds(0)) << e;
    EXPECT_FALSE(step.starts_streak) << e;
    EXPECT_EQ(backoff.succeeded(), std::nullopt) << "no streak was running";
  }
}

TEST(AcceptBackoff, ASuccessEndsTheStreakAndTheNextOneStartsShortAgain) {
  AcceptBackoff backoff;
  EXPECT_EQ(backoff.succeeded(), std::nullopt);
  for (int i = 0; i < 5; ++i) backoff.failed(ENFILE);
  // A client's error inside a streak neither ends it nor lengthens it.
  EXPECT_EQ(backoff.failed(ECONNABORTED).pause, milliseconds(0));
  EXPECT_EQ(backoff.failed(ENFILE).pause, milliseconds(320));
  EXPECT_EQ(backoff.succeeded(), 6U);
  EXPECT_EQ(backoff.succeeded(), std::nullopt);
  const auto step = backoff.failed(EMFILE);
  EXPECT_TRUE(step.starts_streak);
  EXPECT_EQ(step.pause, milliseconds(10));
}

}  // namespace
}  // namespace weir::net
