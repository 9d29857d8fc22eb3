#pragma once
// Files that hold secrets. They are created with mode 0600 by open() itself, so no byte of them is
// ever readable by others (a chmod after writing leaves a window, and the umask could widen it).
#include <string>
#include <string_view>

namespace weir::pod {

// Writes `content` to `path` through a new file `<path>.tmp` created 0600 (O_EXCL, never following
// a link), then renames it over `path`. Throws std::runtime_error naming the file on failure.
void write_private_file(const std::string& path, std::string_view content);

// An option file for a MariaDB/MySQL tool holding a password, so that the password never appears
// on a command line (where `ps` shows it). Created 0600 in $TMPDIR (or /tmp) by mkstemp, removed
// when this object goes away. With `include`, it starts with `!include <include>`: the backup tools
// take either --defaults-file or --defaults-extra-file first, not both, so this one file stands
// for both.
class PasswordOptionFile {
 public:
  explicit PasswordOptionFile(std::string_view password, const std::string& include = "");
  ~PasswordOptionFile();
  PasswordOptionFile(const PasswordOptionFile&) = delete;
  PasswordOptionFile& operator=(const PasswordOptionFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// ["!include <include>\n"] "[client]\npassword=\"...\"\n", quoted as the option file parser reads it.
std::string password_option_text(std::string_view password, const std::string& include = "");

}  // namespace weir::pod
