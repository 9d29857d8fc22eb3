#pragma once
// The TLS policy (tls_policy.hpp) as libmariadb options.
#include "weir/sqlclient/tls_policy.hpp"

struct st_mysql;

namespace weir::sqlclient {

// Sets the TLS options of a handle not yet connected.
void apply_tls(st_mysql* mysql, const TlsPolicy& policy);

}  // namespace weir::sqlclient
