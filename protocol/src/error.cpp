#include "weir/protocol/error.hpp"

namespace weir::protocol {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::truncated: return "truncated input";
    case Errc::bad_value: return "invalid value";
    case Errc::too_long: return "length over the limit";
    case Errc::sequence_mismatch: return "unexpected sequence id";
    case Errc::trailing_bytes: return "unexpected trailing bytes";
    case Errc::unexpected_message: return "unexpected message";
  }
  return "unknown error";
}

std::string Error::message() const {
  std::string text = errc_name(code);
  text += " at offset ";
  text += std::to_string(offset);
  if (field != nullptr && *field != '\0') {
    text += " while reading ";
    text += field;
  }
  return text;
}

}  // namespace weir::protocol
