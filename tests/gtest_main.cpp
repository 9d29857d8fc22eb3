// The main() of every test executable. GoogleTest reports the tests of a suite whose
// SetUpTestSuite failed (a server that did not start, a throw) as "[  SKIPPED ]", which ctest's
// default reading of gtest output counts as skipped, not failed. Here a test is announced as
// skipped to ctest (the marker below, ctest's SKIP_REGULAR_EXPRESSION) only when it skipped
// itself and its suite's setup did not fail; otherwise the failed exit status decides.
#include <gtest/gtest.h>

#include <cstdio>

namespace {

class SkipMarker : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& info) override {
    if (!info.result()->Skipped()) return;
    const ::testing::TestSuite* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    if (suite != nullptr && suite->ad_hoc_test_result().Failed()) return;
    std::printf("WEIR_TEST_SKIPPED %s.%s\n", info.test_suite_name(), info.name());
    std::fflush(stdout);
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::UnitTest::GetInstance()->listeners().Append(new SkipMarker);
  return RUN_ALL_TESTS();
}
