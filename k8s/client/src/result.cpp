#include "weir/kube/result.hpp"

namespace weir::kube {

std::string Error::to_string() const {
  std::string out;
  if (!object.empty()) out += object + ": ";
  out += reason.empty() ? "error" : reason;
  if (http_status != 0) out += " (" + std::to_string(http_status) + ")";
  if (!message.empty()) out += ": " + message;
  if (!causes.empty()) {
    out += " [";
    bool first = true;
    for (const auto& c : causes) {
      if (!first) out += "; ";
      first = false;
      out += c.field.empty() ? c.reason : c.field;
      if (!c.message.empty()) out += ": " + c.message;
    }
    out += "]";
  }
  return out;
}

}  // namespace weir::kube
