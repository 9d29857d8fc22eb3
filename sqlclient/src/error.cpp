#include "weir/sqlclient/error.hpp"

namespace weir::sqlclient {

std::string Error::describe() const {
  std::string text = operation.empty() ? std::string("on") : operation + " on";
  text += " " + endpoint + ": ";
  if (code != 0) {
    text += std::to_string(code) + " ";
    if (!sqlstate.empty()) text += "(" + sqlstate + ") ";
  }
  return text + message;
}

}  // namespace weir::sqlclient
