#pragma once
// Errors of the Kubernetes side as values: which object, the API's reason and message, and the
// field causes of an Invalid answer.
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace weir::kube {

struct Cause {
  std::string field;    // e.g. "spec.replicas"
  std::string reason;   // e.g. "FieldValueInvalid"
  std::string message;  // e.g. "Invalid value: -1: must be greater than or equal to 0"
};

struct Error {
  std::string object;   // "StatefulSet default/mysql"; empty when no object is concerned
  int http_status = 0;  // 0: no HTTP answer (configuration, connection, TLS)
  std::string reason;   // the API's reason (Forbidden, Conflict, Invalid, NotFound, ...) or
                        // Config / Transport / Timeout / MissingCRD for errors found here
  std::string message;
  std::vector<Cause> causes;

  // "StatefulSet default/mysql: Invalid (422): <message> [spec.replicas: ...]"
  std::string to_string() const;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Done {};  // the value of an operation that returns nothing but may fail

}  // namespace weir::kube
