// Routing of admin requests: pure, no I/O.
#include <exception>

#include "admin/admin_server.hpp"
#include "admin/status_page.hpp"

namespace weir::admin {

namespace {

Response text(unsigned status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool authorized(const std::optional<std::string>& token, std::string_view authorization) {
  if (!token) return true;
  // "Bearer <token>": the scheme is case-insensitive (RFC 9110), spaces around the token allowed.
  constexpr std::string_view kScheme = "bearer";
  if (authorization.size() <= kScheme.size() || !iequals(authorization.substr(0, kScheme.size()), kScheme) ||
      authorization[kScheme.size()] != ' ') {
    return false;
  }
  std::string_view given = authorization.substr(kScheme.size());
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  return constant_time_equal(given, *token);
}

template <class Callback>
Response guarded(Callback callback) {
  try {
    return callback();
  } catch (const std::exception& e) {
    return text(500, std::string("internal error: ") + e.what() + "\n");
  } catch (...) {
    return text(500, "internal error\n");
  }
}

Response with_newline(unsigned status, std::string body) {
  if (body.empty() || body.back() != '\n') body += '\n';
  return text(status, std::move(body));
}

}  // namespace

bool is_probe(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  return path == "/healthz" || path == "/readyz";
}

bool constant_time_equal(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is compared whatever `given` holds, so the time depends on the
  // expected length only, never on the position of the first difference.
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto g = static_cast<unsigned char>(i < given.size() ? given[i] : 0);
    diff = static_cast<unsigned char>(diff | (g ^ static_cast<unsigned char>(expected[i])));
  }
  return diff == 0;
}

Response respond(const AdminHandlers& handlers, const std::optional<std::string>& token, std::string_view method,
                 std::string_view target, std::string_view authorization) {
  std::string_view path = target.substr(0, target.find('?'));
  const bool open = is_probe(path);
  const bool known = open || path == "/metrics" || path == "/backends" || path == "/sessions" || path == "/config" ||
                     path == "/reload" || path == "/" || path == "/status.json";
  if (!known) return text(404, "not found: " + std::string(path) + "\n");

  const std::string_view allowed = path == "/reload" ? "POST" : "GET";
  if (method != allowed) {
    Response r = text(405, "method not allowed: " + std::string(path) + " takes " + std::string(allowed) + "\n");
    r.allow = allowed;
    return r;
  }
  if (!open && !authorized(token, authorization)) {
    Response r = text(401, "unauthorized: this endpoint needs Authorization: Bearer <admin token>\n");
    r.authenticate = true;
    return r;
  }

  if (path == "/healthz") return text(200, "ok\n");
  if (path == "/readyz") {
    if (!handlers.readiness) return text(200, "ready\n");
    return guarded([&] {
      const Readiness r = handlers.readiness();
      std::string body = r.ready ? "ready" : "not ready";
      if (!r.reason.empty()) body += ": " + r.reason;
      return with_newline(r.ready ? 200 : 503, std::move(body));
    });
  }
  if (path == "/metrics") {
    if (!handlers.metrics) return text(404, "metrics are disabled\n");
    return guarded([&] {
      Response r = text(200, handlers.metrics());
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return r;
    });
  }
  if (path == "/backends") {
    if (!handlers.backends) return text(404, "no backend view\n");
    return guarded([&] {
      Response r = with_newline(200, handlers.backends());
      r.content_type = "application/json";
      return r;
    });
  }
  if (path == "/sessions") {
    if (!handlers.sessions) return text(404, "no session view\n");
    return guarded([&] {
      Response r = with_newline(200, handlers.sessions());
      r.content_type = "application/json";
      return r;
    });
  }
  if (path == "/" || path == "/status.json") {
    if (!handlers.status) return text(404, "no status view\n");
    if (path == "/") {
      Response r = text(200, std::string(status_page_html()));
      r.content_type = "text/html; charset=utf-8";
      return r;
    }
    return guarded([&] {
      Response r = with_newline(200, handlers.status());
      r.content_type = "application/json";
      return r;
    });
  }
  if (path == "/config") {
    if (!handlers.config) return text(404, "no configuration view\n");
    return guarded([&] {
      Response r = text(200, handlers.config());
      r.content_type = "application/yaml; charset=utf-8";
      return r;
    });
  }
  // POST /reload
  if (!handlers.reload) return text(404, "reload is not available\n");
  return guarded([&] {
    const ReloadOutcome outcome = handlers.reload();
    if (outcome.ok) return with_newline(200, outcome.message.empty() ? "reloaded" : outcome.message);
    return with_newline(400, outcome.message.empty() ? "reload failed" : outcome.message);
  });
}

}  // namespace weir::admin
