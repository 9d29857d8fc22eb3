#include "weir/manifests/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <regex>
#include <stdexcept>

#include "weir/manifests/manifests.hpp"

namespace weir::manifests {
namespace {

using json = nlohmann::json;

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Words YAML 1.1 or 1.2 would read as booleans or null.
bool special_word(const std::string& text) {
  static const char* const kWords[] = {"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"};
  const std::string l = lower(text);
  return std::any_of(std::begin(kWords), std::end(kWords), [&](const char* w) { return l == w; });
}

bool needs_quotes(const std::string& text) {
  if (text.empty() || special_word(text)) return true;
  const char first = text.front();
  if (std::isdigit(static_cast<unsigned char>(first)) || first == '-' || first == '+' || first == '.') return true;
  return text.back() == ' ' || text.front() == ' ';
}

void emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
        return;
      }
      out << YAML::BeginMap;
      for (const auto& [key, item] : value.items()) {
        out << YAML::Key;
        if (needs_quotes(key)) out << YAML::DoubleQuoted;
        out << key << YAML::Value;
        emit(out, item);
      }
      out << YAML::EndMap;
      return;
    case json::value_t::array:
      if (value.empty()) {
        out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
        return;
      }
      out << YAML::BeginSeq;
      for (const auto& item : value) emit(out, item);
      out << YAML::EndSeq;
      return;
    case json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      const bool multiline = text.find('\n') != std::string::npos;
      // A literal block keeps the text exactly when it ends in one newline and no line ends in
      // blanks; anything else is double-quoted with escapes.
      const bool literal_ok = multiline && text.back() == '\n' && (text.size() < 2 || text[text.size() - 2] != '\n') &&
                              text.find(" \n") == std::string::npos && text.find('\t') == std::string::npos &&
                              text.front() != ' ';
      if (literal_ok) {
        out << YAML::Literal << text;
      } else if (multiline || needs_quotes(text)) {
        out << YAML::DoubleQuoted << text;
      } else {
        out << text;
      }
      return;
    }
    case json::value_t::boolean: out << (value.get<bool>() ? "true" : "false"); return;
    case json::value_t::number_integer: out << value.get<std::int64_t>(); return;
    case json::value_t::number_unsigned: out << value.get<std::uint64_t>(); return;
    case json::value_t::number_float: out << value.get<double>(); return;
    default: out << YAML::Null; return;
  }
}

json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "?") return text;  // quoted or tagged: a string
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, kInt)) {
    std::int64_t v = 0;
    const char* begin = text.data() + (text.front() == '+' ? 1 : 0);
    if (std::from_chars(begin, text.data() + text.size(), v).ec == std::errc{}) return v;
    return text;
  }
  if (std::regex_match(text, kFloat)) return std::stod(text);
  return text;
}

json node_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& item : node) out[item.first.as<std::string>()] = node_to_json(item.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(node_to_json(item));
      return out;
    }
    case YAML::NodeType::Scalar: return scalar_to_json(node);
    default: return nullptr;
  }
}

}  // namespace

std::string json_to_yaml(const json& value) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetSeqFormat(YAML::Block);
  emit(out, value);
  std::string text = out.c_str();
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

std::vector<json> yaml_documents_to_json(const std::string& text) {
  std::vector<json> out;
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error("YAML error at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  for (const auto& doc : docs) {
    if (doc.IsNull()) continue;
    out.push_back(node_to_json(doc));
  }
  return out;
}

std::string to_yaml(const std::vector<Object>& objects) {
  std::string out;
  for (const auto& object : objects) out += "---\n" + json_to_yaml(object.body);
  return out;
}

std::string to_json(const std::vector<Object>& objects) {
  json list = {
      {"apiVersion", "v1"}, {"kind", "List"}, {"metadata", {{"resourceVersion", ""}}}, {"items", json::array()}};
  for (const auto& object : objects) list["items"].push_back(object.body);
  return list.dump(2) + "\n";
}

}  // namespace weir::manifests
