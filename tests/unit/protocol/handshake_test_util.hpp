#pragma once
// Helpers for the connection-phase byte tables (hex from the shared test fixtures).
#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "weir/protocol/bytes.hpp"
#include "weir/testing/hex.hpp"

namespace weir::protocol::testing_hex {

using weir::testing::to_hex;
using weir::testing::unhex;

// Binary string from hex, for expected field values.
inline std::string bin(std::string_view h) {
  const Buffer b = unhex(h);
  return std::string(b.begin(), b.end());
}

// Names parameterised cases after their `name` member.
struct CaseName {
  template <class P>
  std::string operator()(const ::testing::TestParamInfo<P>& p) const {
    return p.param.name;
  }
};

}  // namespace weir::protocol::testing_hex
