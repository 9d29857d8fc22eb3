// Session state blocks: the allocating parser and the streaming reader agree, and the entries
// serialize back to a block that parses to the same entries.
#include <vector>

#include "fuzz_input.hpp"
#include "weir/protocol/response.hpp"

using namespace weir::protocol;

namespace {

// Known entry types are compared on their typed fields: the parser tolerates bytes after the
// typed value inside an entry's data (the serializer does not write them back).
bool same_meaning(const std::vector<SessionStateEntry>& a, const std::vector<SessionStateEntry>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool known = a[i].type <= static_cast<std::uint8_t>(SessionTrackType::transaction_state);
    if (a[i].type != b[i].type || a[i].name != b[i].name || a[i].value != b[i].value ||
        a[i].gtid_encoding != b[i].gtid_encoding || (!known && a[i].data != b[i].data)) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view block(reinterpret_cast<const char*>(data), size);
  auto all = parse_session_state(block);
  SessionStateReader reader(block);
  std::vector<SessionStateEntry> streamed;
  bool stream_ok = true;
  while (true) {
    auto next = reader.next();
    if (!next) {
      stream_ok = false;
      break;
    }
    if (!*next) break;
    streamed.push_back(**next);
  }
  WEIR_FUZZ_CHECK(all.ok() == stream_ok);
  if (!all) return 0;
  WEIR_FUZZ_CHECK(*all == streamed);
  Buffer out;
  for (const auto& e : *all) serialize(e, out);
  auto again = parse_session_state(as_string(out));
  WEIR_FUZZ_CHECK(again.ok() && same_meaning(*again, *all));
  return 0;
}
