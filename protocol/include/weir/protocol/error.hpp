#pragma once
// Errors of the protocol library are values: a code, the field being decoded and its byte offset.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace weir::protocol {

enum class Errc : std::uint8_t {
  truncated,           // the input ended inside a field
  bad_value,           // a field holds a value the protocol does not allow
  too_long,            // a length exceeds a configured or protocol limit
  sequence_mismatch,   // a frame's sequence id is not the one expected
  trailing_bytes,      // bytes left after a message that must end there
  unexpected_message,  // a message of another type arrived than the state allows
};

const char* errc_name(Errc code);

struct Error {
  Errc code = Errc::bad_value;
  const char* field = "";  // static string naming what was being decoded
  std::size_t offset = 0;  // byte offset within the payload where decoding failed

  // "truncated input at offset 7 while reading capability_flags_upper"
  std::string message() const;
  // Field names compare by content: identical literals from different translation units need not
  // share an address (they do not under AddressSanitizer).
  friend bool operator==(const Error& a, const Error& b) {
    return a.code == b.code && a.offset == b.offset &&
           std::string_view(a.field != nullptr ? a.field : "") == std::string_view(b.field != nullptr ? b.field : "");
  }
};

// A value or an Error. Small on purpose: the data plane never throws.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(error) {}         // NOLINT(google-explicit-constructor)

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace weir::protocol
