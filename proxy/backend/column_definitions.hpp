#pragma once
// The column definitions a server sent for a prepared statement's result, with its PREPARE_OK or
// with an execution, kept with the server statement on its connection.
//
// Under MariaDB's metadata cache (MARIADB_CLIENT_CACHE_METADATA) the server leaves the
// definitions out of an execution whose columns are those it last sent for that server
// statement. weir's client statements and server statements are not one to one (a statement runs
// on several connections, is prepared again after a connection is lost, shares a server statement
// with another of the same text), so what the server last sent for a server statement is not
// always what the client last got for its statement: weir compares the two by fingerprint and,
// when they differ, gives the client the definitions the server left out (see ResponseRelay).
//
// The fingerprint is a keyed hash (SipHash-2-4, a key drawn at start-up): a client cannot choose
// column names that make two different sets of definitions look alike. Pure: no I/O.
#include <cstddef>
#include <cstdint>

#include "weir/protocol/bytes.hpp"

namespace weir::backend {

// SipHash-2-4 of `data` under the key (k0, k1).
std::uint64_t siphash24(std::uint64_t k0, std::uint64_t k1, protocol::Bytes data);
// A 64-bit fingerprint of `data` under the process's key, never 0.
std::uint64_t fingerprint_of(protocol::Bytes data);

class ColumnDefinitions {
 public:
  // A statement's definitions beyond this are not kept (see known()). More than a server sends:
  // 4,096 columns (its limit) of names, aliases and tables at their longest take about 12 MiB.
  static constexpr std::size_t kMaxBytes = 16U << 20;

  // Forgets them (the storage is kept for the next).
  void clear();
  // Appends one definition packet's payload; `whole` is false when only its head is at hand (a
  // definition over 64 KiB), which leaves the definitions unknown, as does going over kMaxBytes.
  void append(protocol::Bytes payload, bool whole = true);
  // All definitions are appended: computes the fingerprint.
  void finish();

  // Complete and kept: finish() was called and nothing was lost.
  bool known() const { return fingerprint_ != 0; }
  // The fingerprint of the definitions (0 while unknown).
  std::uint64_t fingerprint() const { return fingerprint_; }
  std::size_t count() const { return count_; }
  // Bytes kept (the definitions as frames).
  std::size_t size() const { return frames_.size(); }
  // Appends them to `out` as frames numbered from `first_sequence`; returns the sequence id after.
  std::uint8_t write_frames(std::uint8_t first_sequence, protocol::Buffer& out) const;

  void swap(ColumnDefinitions& other) noexcept;

 private:
  protocol::Buffer frames_;  // each definition framed, with sequence id 0
  std::size_t count_ = 0;
  std::uint64_t fingerprint_ = 0;
  bool lost_ = false;
};

}  // namespace weir::backend
