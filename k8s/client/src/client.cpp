#include "weir/kube/client.hpp"

#include <array>
#include <fstream>
#include <sstream>

#include <openssl/ssl.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>

namespace weir::kube {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

Error transport_error(std::string message) {
  Error e;
  e.reason = "Transport";
  e.message = std::move(message);
  return e;
}

struct Url {
  std::string host;  // without brackets
  std::string port;
  std::string prefix;  // path prefix of the server URL, without a trailing '/'
};

Result<Url> parse_server(const std::string& server) {
  constexpr std::string_view kScheme = "https://";
  if (server.rfind(kScheme, 0) != 0) {
    Error e;
    e.reason = "Config";
    e.message = "server '" + server + "' is not an https:// URL";
    return e;
  }
  std::string rest = server.substr(kScheme.size());
  Url u;
  const auto slash = rest.find('/');
  if (slash != std::string::npos) {
    u.prefix = rest.substr(slash);
    rest.resize(slash);
    while (!u.prefix.empty() && u.prefix.back() == '/') u.prefix.pop_back();
  }
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    u.host = rest.substr(1, close - 1);
    u.port = close + 1 < rest.size() && rest[close + 1] == ':' ? rest.substr(close + 2) : "443";
  } else {
    const auto colon = rest.rfind(':');
    u.host = rest.substr(0, colon);
    u.port = colon == std::string::npos ? "443" : rest.substr(colon + 1);
  }
  return u;
}

bool is_ip_address(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

using Stream = beast::ssl_stream<beast::tcp_stream>;

struct Client::Impl {
  ClusterConfig config;
  std::chrono::milliseconds timeout{};
  Url url;
  asio::io_context ioc;
  ssl::context tls{ssl::context::tls_client};

  std::string bearer() const {
    if (!config.token_file.empty()) {
      std::ifstream in(config.token_file);
      std::ostringstream s;
      s << in.rdbuf();
      std::string t = s.str();
      while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
      if (!t.empty()) return t;
    }
    return config.token;
  }

  // Runs the io_context until the started operation finished; the tcp_stream's expiry bounds it.
  beast::error_code run(beast::error_code& ec) {
    ioc.restart();
    ioc.run();
    return ec;
  }

  // Resolves, connects and shakes hands; each step bounded by the timeout.
  Result<std::unique_ptr<Stream>> open_stream(const std::string& where) {
    beast::error_code ec;
    tcp::resolver resolver(ioc);
    const auto endpoints = resolver.resolve(url.host, url.port, ec);
    if (ec) return transport_error(where + ": cannot resolve " + url.host + ": " + ec.message());

    auto stream = std::make_unique<Stream>(ioc, tls);
    const std::string& sni = config.tls_server_name.empty() ? url.host : config.tls_server_name;
    if (!is_ip_address(sni)) {
      // SSL_set_tlsext_host_name without its C cast
      SSL_ctrl(stream->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
               const_cast<char*>(sni.c_str()));
    }
    auto& tcp_layer = beast::get_lowest_layer(*stream);

    tcp_layer.expires_after(timeout);
    ec = asio::error::would_block;
    tcp_layer.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    if (run(ec)) return transport_error(where + ": connect: " + ec.message());

    tcp_layer.expires_after(timeout);
    ec = asio::error::would_block;
    stream->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    if (run(ec)) return transport_error(where + ": TLS handshake: " + ec.message());
    return stream;
  }

  http::request<http::string_body> make_request(std::string_view method, std::string_view target, std::string_view body,
                                                std::string_view content_type, const Headers& extra = {}) const {
    const auto verb = http::string_to_verb(method);
    http::request<http::string_body> req{verb, url.prefix + std::string(target), 11};
    req.set(http::field::host, url.host);
    req.set(http::field::user_agent, "weir");
    req.set(http::field::accept, "application/json");
    req.set(http::field::connection, "close");
    if (const auto token = bearer(); !token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    for (const auto& [name, value] : extra) req.set(name, value);
    if (!body.empty() || verb == http::verb::post || verb == http::verb::put || verb == http::verb::patch) {
      req.body() = std::string(body);
    }
    req.prepare_payload();
    return req;
  }

  // A connection with the request written on it, ready for the answer to be read.
  Result<std::unique_ptr<Stream>> send_request(const std::string& where, std::string_view method,
                                               std::string_view target, std::string_view body,
                                               std::string_view content_type, const Headers& extra = {}) {
    auto opened = open_stream(where);
    if (!opened) return opened.error();
    auto& tcp_layer = beast::get_lowest_layer(**opened);
    const auto req = make_request(method, target, body, content_type, extra);
    beast::error_code ec = asio::error::would_block;
    tcp_layer.expires_after(timeout);
    http::async_write(**opened, req, [&](beast::error_code e, std::size_t) { ec = e; });
    if (run(ec)) return transport_error(where + ": write: " + ec.message());
    return opened;
  }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

const ClusterConfig& Client::config() const { return impl_->config; }

Result<Client> Client::create(ClusterConfig config, std::chrono::milliseconds timeout) {
  auto url = parse_server(config.server);
  if (!url) return url.error();
  auto impl = std::make_unique<Impl>();
  impl->url = *url;
  impl->timeout = timeout;
  auto& tls = impl->tls;
  beast::error_code ec;
  tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (config.insecure_skip_tls_verify) {
    tls.set_verify_mode(ssl::verify_none);
  } else {
    tls.set_verify_mode(ssl::verify_peer);
    if (config.ca_pem.empty()) {
      tls.set_default_verify_paths(ec);
    } else {
      tls.add_certificate_authority(asio::buffer(config.ca_pem), ec);
    }
    if (ec) return transport_error("cannot load the cluster's certificate authority: " + ec.message());
    const std::string& name = config.tls_server_name.empty() ? impl->url.host : config.tls_server_name;
    tls.set_verify_callback(ssl::host_name_verification(name));
  }
  if (!config.client_cert_pem.empty()) {
    tls.use_certificate_chain(asio::buffer(config.client_cert_pem), ec);
    if (ec) return transport_error("cannot load the client certificate: " + ec.message());
    tls.use_private_key(asio::buffer(config.client_key_pem), ssl::context::pem, ec);
    if (ec) return transport_error("cannot load the client key: " + ec.message());
  }
  impl->config = std::move(config);
  return Client(std::move(impl));
}

Result<Response> Client::request(std::string_view method, std::string_view target, std::string_view body,
                                 std::string_view content_type, const Headers& headers) {
  auto& im = *impl_;
  const std::string where = std::string(method) + " " + im.config.server + std::string(target);
  auto sent = im.send_request(where, method, target, body, content_type, headers);
  if (!sent) return sent.error();
  Stream& stream = **sent;
  auto& tcp_layer = beast::get_lowest_layer(stream);

  beast::error_code ec;
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  tcp_layer.expires_after(im.timeout);
  ec = asio::error::would_block;
  http::async_read(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  if (im.run(ec)) return transport_error(where + ": read: " + ec.message());

  Response r;
  r.status = static_cast<int>(parser.get().result_int());
  r.body = std::move(parser.get().body());
  // The server closes after answering; an unclean TLS shutdown is no error of ours.
  tcp_layer.socket().close(ec);
  return r;
}

Result<Done> Client::watch(std::string_view target, const std::function<void(const nlohmann::json&)>& on_event,
                           const std::function<bool()>& stop, std::chrono::milliseconds idle_limit) {
  auto& im = *impl_;
  const std::string where = "GET " + im.config.server + std::string(target);
  auto sent = im.send_request(where, "GET", target, {}, {});
  if (!sent) return sent.error();
  Stream& stream = **sent;
  auto& tcp_layer = beast::get_lowest_layer(stream);

  beast::error_code ec;
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  tcp_layer.expires_after(im.timeout);
  ec = asio::error::would_block;
  http::async_read_header(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
  if (im.run(ec)) return transport_error(where + ": read: " + ec.message());
  tcp_layer.expires_never();  // events may be minutes apart: idle_limit and stop() bound the wait

  const int status = static_cast<int>(parser.get().result_int());
  std::string pending;  // bytes of an event whose line has not ended yet
  std::array<char, 16 * 1024> chunk{};
  auto last_byte = std::chrono::steady_clock::now();
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    ec = asio::error::would_block;
    http::async_read_some(stream, buffer, parser, [&](beast::error_code e, std::size_t) { ec = e; });
    // Run in slices so that stop() and the idle limit are looked at while the read waits.
    bool stopped = false;
    while (ec == asio::error::would_block) {
      im.ioc.restart();
      im.ioc.run_for(std::chrono::milliseconds(100));
      if (ec != asio::error::would_block) break;
      if (stop()) {
        stopped = true;
      } else if (std::chrono::steady_clock::now() - last_byte > idle_limit) {
        ec = asio::error::timed_out;
      } else {
        continue;
      }
      beast::error_code ignored;
      tcp_layer.socket().close(ignored);
      im.ioc.restart();
      im.ioc.run();  // the read's handler runs with operation_aborted
      break;
    }
    if (stopped) return Done{};
    if (ec == http::error::need_buffer) ec = {};
    if (ec == asio::error::timed_out) {
      return transport_error(where + ": no byte for " + std::to_string(idle_limit.count()) + " ms");
    }
    if (ec) return transport_error(where + ": read: " + ec.message());
    last_byte = std::chrono::steady_clock::now();
    const std::size_t got = chunk.size() - parser.get().body().size;
    pending.append(chunk.data(), got);
    std::size_t start = 0;
    for (auto nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
      const std::string_view line(pending.data() + start, nl - start);
      start = nl + 1;
      if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
      if (status >= 400) continue;  // a Status object: read whole below
      auto event = nlohmann::json::parse(line, nullptr, false);
      if (event.is_discarded()) {
        return transport_error(where + ": an event is not JSON: " + std::string(line.substr(0, 200)));
      }
      on_event(event);
      if (stop()) return Done{};
    }
    pending.erase(0, start);
  }
  beast::error_code ignored;
  tcp_layer.socket().close(ignored);
  if (status >= 400) return api_error(Response{status, pending}, {});
  return Done{};
}

Error api_error(const Response& response, std::string_view object) {
  Error e;
  e.object = std::string(object);
  e.http_status = response.status;
  const auto status = nlohmann::json::parse(response.body, nullptr, false);
  if (status.is_object() && status.value("kind", "") == "Status") {
    e.reason = status.value("reason", "");
    e.message = status.value("message", "");
    if (status.contains("details") && status["details"].contains("causes")) {
      for (const auto& c : status["details"]["causes"]) {
        e.causes.push_back(Cause{c.value("field", ""), c.value("reason", ""), c.value("message", "")});
      }
    }
  }
  if (e.reason.empty()) {
    // Not a Status (a plain "404 page not found" of an unknown API group): the reason the API
    // would have used for this code.
    switch (response.status) {
      case 400: e.reason = "BadRequest"; break;
      case 401: e.reason = "Unauthorized"; break;
      case 403: e.reason = "Forbidden"; break;
      case 404: e.reason = "NotFound"; break;
      case 405: e.reason = "MethodNotAllowed"; break;
      case 409: e.reason = "Conflict"; break;
      case 410: e.reason = "Gone"; break;
      case 415: e.reason = "UnsupportedMediaType"; break;
      case 422: e.reason = "Invalid"; break;
      case 429: e.reason = "TooManyRequests"; break;
      case 500: e.reason = "InternalError"; break;
      case 503: e.reason = "ServiceUnavailable"; break;
      case 504: e.reason = "Timeout"; break;
      default: e.reason = std::string(http::obsolete_reason(static_cast<http::status>(response.status)));
    }
    if (e.message.empty()) e.message = response.body.substr(0, 300);
  }
  return e;
}

Result<nlohmann::json> Client::get(std::string_view target, std::string_view object) {
  return send("GET", target, nlohmann::json(), {}, object);
}

Result<nlohmann::json> Client::send(std::string_view method, std::string_view target, const nlohmann::json& body,
                                    std::string_view content_type, std::string_view object) {
  auto r = request(method, target, body.is_null() ? std::string() : body.dump(), content_type);
  if (!r) {
    Error e = r.error();
    e.object = std::string(object);
    return e;
  }
  if (r->status >= 400) return api_error(*r, object);
  auto json = nlohmann::json::parse(r->body, nullptr, false);
  if (json.is_discarded()) {
    Error e;
    e.object = std::string(object);
    e.http_status = r->status;
    e.reason = "BadResponse";
    e.message = "the answer to " + std::string(method) + " " + std::string(target) + " is not JSON";
    return e;
  }
  return json;
}

}  // namespace weir::kube
