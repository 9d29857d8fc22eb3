#pragma once
// JSON <-> YAML for Kubernetes objects: emitting with strings quoted whenever YAML would read them
// as something else, and reading YAML back with the core schema's types (for tests and tools).
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace weir::manifests {

// One YAML document (no leading "---"), map keys in the JSON's order.
std::string json_to_yaml(const nlohmann::json& value);

// Every non-empty document of a multi-document YAML text. Plain scalars become integers, floats,
// booleans or null when they read as such (YAML 1.2 core schema), quoted scalars stay strings.
// Throws std::runtime_error with the line on a syntax error.
std::vector<nlohmann::json> yaml_documents_to_json(const std::string& text);

}  // namespace weir::manifests
