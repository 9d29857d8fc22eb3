#pragma once
// The statements prepared on one backend connection, found by their text and the scope they were
// prepared in, so that every session that uses the connection (its own, or one it borrows when
// connections are multiplexed) executes the same server statement instead of preparing its own.
//
// The scope is the login database and the session commands in effect when the statement was
// prepared: what the server resolves at prepare time (tables, sql_mode) depends on them, so a
// statement is shared only between sessions that prepared it in the same scope. The cache keeps
// the parameter types last sent for each statement (an execution with new_params_bound = 0 uses
// them) and holds at most `capacity` statements: preparing one more evicts the least recently
// used, which the caller closes on the server. A reset of the connection forgets them all.
//
// Each statement keeps the column definitions the server last sent for it (see
// ColumnDefinitions); they count against a budget per connection, kColumnBytes, over which the
// least recently used statements are evicted as when over capacity.
//
// A server statement with state of one client statement on it (an open cursor, long data waiting
// for the execution) is held by that client statement: no other uses it, replaces it or evicts it
// until it is released; another of the same text and scope is prepared beside it instead (the
// server gives each prepare its own cursor and long data).
//
// A client statement executed again and again finds its server statement without hashing its text:
// find() takes a `Remembered`, the client statement's memory of where it found it last, which holds
// while the cache's version is the one it saw (every change that could move an answer, on any
// cache, takes a new version from one counter for the process, so a cache made later at the same
// address does not match either).
//
// Pure: no I/O.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "backend/column_definitions.hpp"
#include "weir/protocol/bytes.hpp"

namespace weir::backend {

class PreparedStatements {
 public:
  static constexpr std::size_t kDefaultCapacity = 128;
  // Column definitions kept per connection (more only while one statement's alone are more).
  static constexpr std::size_t kColumnBytes = 8U << 20;

  struct Entry {
    std::string scope;
    std::uint32_t id = 0;         // the server's statement id on this connection
    protocol::Buffer types;       // the parameter types last sent to the server (empty: none yet)
    std::uint64_t last_used = 0;  // for eviction
    std::uint64_t held_by = 0;    // the client statement whose cursor or long data is on it (0: none)
    ColumnDefinitions columns;    // what the server last sent for it (see set_columns)
  };

  // Where one client statement found its server statements last, on up to two connections (its
  // primary's and a replica's, say).
  class Remembered {
   private:
    friend class PreparedStatements;
    struct Place {
      const PreparedStatements* cache = nullptr;
      std::uint64_t version = 0;
      Entry* entry = nullptr;
    };
    std::array<Place, 2> places_{};
    std::uint8_t next_ = 0;  // the place the next new one takes
  };

  explicit PreparedStatements(std::size_t capacity = kDefaultCapacity) : capacity_(capacity == 0 ? 1 : capacity) {}
  PreparedStatements(const PreparedStatements&) = delete;
  PreparedStatements& operator=(const PreparedStatements&) = delete;

  // The statement `sql` prepared in `scope` that client statement `holder` may use: the one it
  // holds, else one nobody holds; or null. Counts as a use.
  Entry* find(std::string_view sql, std::string_view scope, std::uint64_t holder = 0);
  // The same, answered from `remembered` while nothing changed here since it was found there (and
  // remembered when found).
  Entry* find(std::string_view sql, std::string_view scope, std::uint64_t holder, Remembered& remembered);
  // Records `sql` prepared in `scope` as the server's `id`. Appends to `to_close` the ids the
  // caller must close on the server (COM_STMT_CLOSE): one prepared earlier for the same text in
  // the same scope that nobody holds, and the least recently used one nobody holds when the cache
  // is over capacity.
  Entry& add(std::string_view sql, std::string_view scope, std::uint32_t id, std::vector<std::uint32_t>& to_close);
  // `columns` (swapped in; the entry's previous ones are left in `columns`) are what the server
  // last sent for `entry`. Appends to `to_close` the least recently used statements, neither
  // `entry` nor held, evicted to keep the column definitions within kColumnBytes.
  void set_columns(Entry& entry, ColumnDefinitions& columns, std::vector<std::uint32_t>& to_close);
  // Forgets `sql` prepared in `scope` (the one `holder` holds, else one nobody holds); its id, to
  // close on the server, or 0 when it was not there.
  std::uint32_t remove(std::string_view sql, std::string_view scope, std::uint64_t holder = 0);
  // Client statement `holder` keeps its cursor or long data on `entry` (found for it).
  void hold(Entry& entry, std::uint64_t holder) {
    entry.held_by = holder;
    changed();
  }
  // Its cursor is exhausted or closed and its long data used: what it held is anyone's again.
  void release(std::uint64_t holder);
  // The text of the statement the server knows as `id` (for logs); empty when unknown.
  std::string_view text_of(std::uint32_t id) const;
  // The connection was reset: the server has forgotten them.
  void clear() {
    entries_.clear();
    column_bytes_ = 0;
    changed();
  }
  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }
  std::size_t column_bytes() const { return column_bytes_; }
  // Takes effect at the next add (pool.prepared_statements_per_connection may be reloaded).
  void set_capacity(std::size_t capacity) { capacity_ = capacity == 0 ? 1 : capacity; }

 private:
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };

  using Entries = std::unordered_multimap<std::string, Entry, TextHash, std::equal_to<>>;
  Entries::iterator locate(std::string_view sql, std::string_view scope, std::uint64_t holder);
  // The least recently used entry nobody holds, other than `keep`; end() when there is none.
  Entries::iterator oldest_unheld(const Entry* keep);
  void erase(Entries::iterator it);
  // A find may answer otherwise than before: what was remembered no longer holds.
  void changed() { version_ = next_version(); }
  static std::uint64_t next_version() {
    static std::atomic<std::uint64_t> versions{0};
    return versions.fetch_add(1, std::memory_order_relaxed) + 1;
  }

  std::unordered_multimap<std::string, Entry, TextHash, std::equal_to<>> entries_;
  std::size_t capacity_;
  std::uint64_t clock_ = 0;
  std::size_t column_bytes_ = 0;
  std::uint64_t version_ = next_version();
};

}  // namespace weir::backend
