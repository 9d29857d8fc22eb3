#pragma once
// The status page served at GET /: one self-contained HTML document (inline CSS, a small script,
// charts drawn as inline SVG; nothing loaded from elsewhere) that fetches status.json every
// second and redraws without reloading. The source is status_page.html, embedded at build time.
#include <string_view>

namespace weir::admin {

std::string_view status_page_html();

}  // namespace weir::admin
