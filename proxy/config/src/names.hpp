#pragma once
// Internal: the spelling of every enum value in the YAML, in the order of the enum.
#include <array>
#include <string_view>

namespace weir::config::detail {

inline constexpr std::array<std::string_view, 2> kRoleNames{"primary", "replica"};
inline constexpr std::array<std::string_view, 3> kVerifyNames{"none", "ca", "full"};
inline constexpr std::array<std::string_view, 3> kDiscoveryNames{"static", "dns", "kubernetes"};
inline constexpr std::array<std::string_view, 3> kWhenNoReplicaNames{"primary", "error", "least_lagged"};
inline constexpr std::array<std::string_view, 3> kConsistencyNames{"session", "eventual", "strong"};
inline constexpr std::array<std::string_view, 2> kStoredFunctionsNames{"primary", "replica"};
inline constexpr std::array<std::string_view, 2> kLogFormatNames{"logfmt", "json"};
inline constexpr std::array<std::string_view, 5> kLogLevelNames{"trace", "debug", "info", "warn", "error"};

}  // namespace weir::config::detail
