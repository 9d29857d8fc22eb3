// PublishedBackend: what a session's worker publishes, another thread reads whole.
#include "session/published_backend.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

namespace weir::session {
namespace {

TEST(PublishedBackend, StartsEmpty) {
  const PublishedBackend published;
  const auto value = published.read();
  EXPECT_EQ(value.host, "");
  EXPECT_EQ(value.port, 0);
  EXPECT_EQ(value.thread_id, 0U);
  EXPECT_EQ(published.thread_id(), 0U);
}

TEST(PublishedBackend, ReadsWhatWasPublishedLastAndClears) {
  PublishedBackend published;
  published.publish("mysql-1.mysql.default.svc.cluster.local", 3306, 42);
  published.publish("10.0.0.7", 3307, 43);
  auto value = published.read();
  EXPECT_EQ(value.host, "10.0.0.7");
  EXPECT_EQ(value.port, 3307);
  EXPECT_EQ(value.thread_id, 43U);
  EXPECT_EQ(published.thread_id(), 43U);
  published.clear();
  value = published.read();
  EXPECT_EQ(value.host, "");
  EXPECT_EQ(value.thread_id, 0U);
}

TEST(PublishedBackend, KeepsAHostCutAtItsLimit) {
  PublishedBackend published;
  published.publish(std::string(300, 'h'), 1, 2);
  EXPECT_EQ(published.read().host, std::string(PublishedBackend::kMaxHost, 'h'));
}

TEST(PublishedBackend, AReaderOnAnotherThreadNeverSeesHalfOfTwoValues) {
  // The writer alternates between two backends; every read must be one of them, whole.
  PublishedBackend published;
  const std::string long_host = "mysql-2.mysql.weir-test.svc.cluster.local";
  published.publish("a", 1, 1);
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (std::uint32_t i = 0; !stop.load(); ++i) {
      if (i % 2 == 0) {
        published.publish(long_host, 2, 2);
      } else {
        published.publish("a", 1, 1);
      }
    }
  });
  int mixed = 0;
  for (int i = 0; i < 100000; ++i) {
    const auto value = published.read();
    const bool first = value.host == "a" && value.port == 1 && value.thread_id == 1;
    const bool second = value.host == long_host && value.port == 2 && value.thread_id == 2;
    if (!first && !second) ++mixed;
  }
  stop = true;
  writer.join();
  EXPECT_EQ(mixed, 0);
}

}  // namespace
}  // namespace weir::session
