#include "webdriver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "http_client.hpp"

namespace weir::testing {

namespace {

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot find a free port for chromedriver");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

std::string base64_decode(const std::string& text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (const char c : text) {
    int v = -1;
    if (c >= 'A' && c <= 'Z')
      v = c - 'A';
    else if (c >= 'a' && c <= 'z')
      v = c - 'a' + 26;
    else if (c >= '0' && c <= '9')
      v = c - '0' + 52;
    else if (c == '+')
      v = 62;
    else if (c == '/')
      v = 63;
    if (v < 0) continue;  // padding and line breaks
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

Browser::Browser(const std::string& dir) : dir_(dir), port_(free_loopback_port()) {
  ProcessOptions options;
  options.argv = {"chromedriver", "--port=" + std::to_string(port_), "--allowed-ips=127.0.0.1"};
  options.stdout_path = dir_ + "/chromedriver.log";
  driver_ = Process::spawn(options);
  // Ready once /status answers.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (;;) {
    try {
      if (admin::testing::request(port_, "GET", "/status").status == 200) break;
    } catch (const std::runtime_error&) {
    }
    if (std::chrono::steady_clock::now() > deadline || !driver_.running()) {
      throw std::runtime_error("chromedriver did not start; see " + dir_ + "/chromedriver.log");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const std::string profile = dir_ + "/chromium-profile";
  std::filesystem::create_directories(profile);
  const nlohmann::json capabilities = {
      {"capabilities",
       {{"alwaysMatch",
         {{"browserName", "chrome"},
          {"goog:chromeOptions",
           {{"binary", "/usr/bin/chromium"},
            {"args",
             {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", "--window-size=1400,1100", "--user-data-dir=" + profile}}}}}}}}};
  session_ = call("POST", "/session", capabilities).at("sessionId").get<std::string>();
}

Browser::~Browser() {
  try {
    if (!session_.empty()) call("DELETE", "/session/" + session_, nullptr);
  } catch (const std::exception&) {
  }
  driver_.terminate(std::chrono::seconds(5));
}

nlohmann::json Browser::call(const std::string& method, const std::string& path, const nlohmann::json& body) {
  const std::string payload = body.is_null() ? "" : body.dump();
  std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (method != "GET") {
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) + "\r\n";
  }
  request += "\r\n" + payload;
  const auto response = admin::testing::exchange(port_, request);
  nlohmann::json answer;
  try {
    answer = nlohmann::json::parse(response.body);
  } catch (const std::exception&) {
    throw std::runtime_error("chromedriver " + method + " " + path + ": not JSON:\n" + response.raw);
  }
  if (response.status != 200) {
    throw std::runtime_error("chromedriver " + method + " " + path + ": " + std::to_string(response.status) + " " +
                             answer.dump());
  }
  return answer.at("value");
}

void Browser::navigate(const std::string& url) { call("POST", "/session/" + session_ + "/url", {{"url", url}}); }

nlohmann::json Browser::script(const std::string& body) {
  return call("POST", "/session/" + session_ + "/execute/sync", {{"script", body}, {"args", nlohmann::json::array()}});
}

void Browser::save_screenshot(const std::string& path) {
  const auto png = base64_decode(call("GET", "/session/" + session_ + "/screenshot", nullptr).get<std::string>());
  std::ofstream(path, std::ios::binary) << png;
}

}  // namespace weir::testing
