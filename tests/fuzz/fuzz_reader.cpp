// Reader primitives driven by the input: each op byte picks a read on the rest of the input.
// Views must stay inside the input, offsets must only grow, an error must stick; lenenc integers
// must round-trip through Writer.
#include <string_view>

#include "fuzz_input.hpp"
#include "weir/protocol/bytes.hpp"

using namespace weir::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  weir::fuzz::FuzzInput in(data, size);
  const std::size_t op_count = in.byte() % 16;
  const Bytes ops = in.take(op_count);
  const Bytes payload = in.rest();
  const char* begin = reinterpret_cast<const char*>(payload.data());
  const char* end = begin + payload.size();
  auto inside = [&](std::string_view v) { return v.empty() || (v.data() >= begin && v.data() + v.size() <= end); };

  Reader r(payload);
  std::size_t last_offset = 0;
  bool failed = false;
  for (std::uint8_t op : ops) {
    std::uint64_t v = 0;
    switch (op % 15) {
      case 0: r.int1("f"); break;
      case 1: r.int2("f"); break;
      case 2: r.int3("f"); break;
      case 3: r.int4("f"); break;
      case 4: r.int6("f"); break;
      case 5: r.int8("f"); break;
      case 6: {
        const std::size_t before = r.offset();
        v = r.lenenc_int("f");
        // Servers accept non-minimal forms, so only the marker decides the size.
        if (r.ok()) {
          const std::size_t n = r.offset() - before;
          WEIR_FUZZ_CHECK(n == 1 || n == 3 || n == 4 || n == 9);
          WEIR_FUZZ_CHECK(n >= lenenc_int_size(v));
        }
        break;
      }
      case 7: r.lenenc_nullable(v, "f"); break;
      case 8: WEIR_FUZZ_CHECK(inside(r.lenenc_str("f"))); break;
      case 9: WEIR_FUZZ_CHECK(inside(r.nul_str("f"))); break;
      case 10: WEIR_FUZZ_CHECK(inside(r.fixed_str(op / 15, "f"))); break;
      case 11: WEIR_FUZZ_CHECK(inside(r.rest())); break;
      case 12: r.skip(op / 15, "f"); break;
      case 13: r.expect_end("m"); break;
      case 14: (void)r.peek(); break;
    }
    if (failed) WEIR_FUZZ_CHECK(!r.ok());  // sticky
    failed = !r.ok();
    if (r.ok()) {
      WEIR_FUZZ_CHECK(r.offset() >= last_offset && r.offset() <= payload.size());
      WEIR_FUZZ_CHECK(r.remaining() == payload.size() - r.offset());
      last_offset = r.offset();
    } else {
      WEIR_FUZZ_CHECK(r.remaining() == 0 && r.at_end());
      WEIR_FUZZ_CHECK(r.error().offset <= payload.size());
    }
  }

  // Writer/Reader round trip of the first 8 payload bytes as an integer.
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < payload.size() && i < 8; ++i) value |= std::uint64_t{payload[i]} << (8 * i);
  Buffer buf;
  Writer(buf).lenenc_int(value).lenenc_str(as_string(payload)).int8(value).nul_str("x");
  WEIR_FUZZ_CHECK(buf.size() == lenenc_int_size(value) + lenenc_int_size(payload.size()) + payload.size() + 8 + 2);
  Reader back(buf);
  WEIR_FUZZ_CHECK(back.lenenc_int("v") == value);
  WEIR_FUZZ_CHECK(back.lenenc_str("s") == as_string(payload));
  WEIR_FUZZ_CHECK(back.int8("i") == value);
  WEIR_FUZZ_CHECK(back.nul_str("n") == "x");
  back.expect_end("round trip");
  WEIR_FUZZ_CHECK(back.ok());
  return 0;
}
