#pragma once
// A headless Chromium for tests, driven through chromedriver's WebDriver HTTP API (W3C): the
// driver is a child process on a free loopback port, the browser gets a new empty profile, and
// everything is stopped by pid when the object goes. Failures throw std::runtime_error with the
// driver's answer.
//
//   Browser browser(dir);
//   browser.navigate("http://127.0.0.1:9033/");
//   auto rows = browser.script("return document.querySelectorAll('tr').length");
//   browser.save_screenshot(dir + "/page.png");
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "weir/testing/process.hpp"

namespace weir::testing {

class Browser {
 public:
  // `dir`: an existing directory for the profile and the driver's log.
  explicit Browser(const std::string& dir);
  ~Browser();
  Browser(const Browser&) = delete;
  Browser& operator=(const Browser&) = delete;

  void navigate(const std::string& url);
  // Runs `body` (a function body: `return ...;`) in the page and returns its value.
  nlohmann::json script(const std::string& body);
  // A PNG of the viewport.
  void save_screenshot(const std::string& path);

 private:
  nlohmann::json call(const std::string& method, const std::string& path, const nlohmann::json& body);

  std::string dir_;
  std::uint16_t port_ = 0;
  Process driver_;
  std::string session_;
};

}  // namespace weir::testing
