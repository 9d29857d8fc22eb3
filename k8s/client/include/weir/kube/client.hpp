#pragma once
// A small Kubernetes API client: HTTPS (Boost.Beast + OpenSSL) with bearer tokens or client
// certificates, JSON bodies. One connection per request: callers make few requests, and a fresh
// connection never fails on a connection the server closed while idle. `watch` keeps one open
// and hands over each event as it arrives.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "weir/kube/kubeconfig.hpp"
#include "weir/kube/result.hpp"

namespace weir::kube {

// Extra request headers: name, value.
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Response {
  int status = 0;
  std::string body;
};

class Client {
 public:
  static Result<Client> create(ClusterConfig config, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  const ClusterConfig& config() const;

  // A raw request; Error only when no HTTP answer came (connection, TLS, timeout). `headers` are
  // added to the request (e.g. for the service behind an API server proxy path).
  Result<Response> request(std::string_view method, std::string_view target, std::string_view body = {},
                           std::string_view content_type = {}, const Headers& headers = {});

  // JSON requests: a status >= 400 becomes an Error naming `object` with the API's Status reason.
  Result<nlohmann::json> get(std::string_view target, std::string_view object = {});
  Result<nlohmann::json> send(std::string_view method, std::string_view target, const nlohmann::json& body,
                              std::string_view content_type, std::string_view object = {});

  // A watch (`target` carries watch=1): calls on_event with each event ({"type": ADDED | MODIFIED |
  // DELETED | BOOKMARK | ERROR, "object": ...}) as it arrives. Returns Done when the server ends
  // the stream or stop() says so (asked after each event and every 100 ms while waiting); an Error
  // on a failed answer (the API's Status), a broken connection, or no byte for idle_limit.
  Result<Done> watch(std::string_view target, const std::function<void(const nlohmann::json&)>& on_event,
                     const std::function<bool()>& stop, std::chrono::milliseconds idle_limit);

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The Error of a failed answer: the Status object's reason, message and causes when the body is
// one, else the HTTP status text.
Error api_error(const Response& response, std::string_view object);

}  // namespace weir::kube
