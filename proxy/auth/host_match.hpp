#pragma once
// Which mysql.user row the server picks for a client, as pure functions (MariaDB 10.11,
// sql_acl.cc, with skip-name-resolve: the client is known by its IP address only).
//
// - A row's Host is a LIKE pattern (`%`, `_`, `\` escapes) compared with the client's address,
//   or a netmask `a.b.c.d/m.m.m.m` (an IPv4 client matches when address & mask == a.b.c.d).
//   An empty Host is `%`. `localhost` is a name: it matches only unix-socket clients, never a TCP
//   client from 127.0.0.1 (weir's clients are all TCP).
// - Rows whose Host is a name to resolve (`db.example.com`) are ignored, as the server ignores
//   them with skip-name-resolve. weir never resolves names.
// - Rows are ordered by user, then by how specific the Host is (the server's "magic sort": a
//   literal or a netmask before patterns, fewer and later wildcards first), then by Host in
//   descending byte order. The client gets the first row of its user name that matches, unless
//   an anonymous row (user '') with a strictly more specific Host matches too: that one wins.
#include <cstdint>
#include <string>
#include <string_view>

namespace weir::auth {

// The address as the server prints and matches it: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`,
// what a dual-stack listener reports) becomes `1.2.3.4`.
std::string normalized_client_address(std::string_view address);

// False for a Host the server ignores with skip-name-resolve (a name other than localhost).
bool host_is_matchable(std::string_view host);

// The server's sort key of a (host, user) pair; lower sorts first (is more specific).
std::uint64_t host_user_rank(std::string_view host, std::string_view user);

// The server's compare_hostname() for a TCP client known by its (normalized) address only.
bool host_matches(std::string_view host, std::string_view client_address);

// LIKE with `%`, `_` and `\` as escape (mysys wild_compare), byte for byte.
bool wild_match(std::string_view text, std::string_view pattern);

}  // namespace weir::auth
