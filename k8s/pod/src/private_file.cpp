#include "weir/pod/private_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "weir/pod/net.hpp"

namespace weir::pod {
namespace {

std::string errno_text() { return std::strerror(errno); }

void write_and_sync(int fd, std::string_view content, const std::string& path) {
  if (!write_all(fd, content.data(), content.size()) || fsync(fd) != 0) {
    throw std::runtime_error("cannot write " + path + ": " + errno_text());
  }
}

}  // namespace

void write_private_file(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp";
  unlink(tmp.c_str());  // a leftover of a crash; O_EXCL below refuses anything put back in between
  Fd fd(open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) throw std::runtime_error("cannot create " + tmp + ": " + errno_text());
  // The umask can only take bits away from 0600: the file is never readable by others.
  write_and_sync(fd.get(), content, tmp);
  fd.reset();
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string error = errno_text();
    unlink(tmp.c_str());
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + error);
  }
}

std::string password_option_text(std::string_view password, const std::string& include) {
  std::string quoted;
  for (char c : password) {
    if (c == '\\' || c == '"') quoted += '\\';
    quoted += c;
  }
  return (include.empty() ? "" : "!include " + include + "\n") + "[client]\npassword=\"" + quoted + "\"\n";
}

PasswordOptionFile::PasswordOptionFile(std::string_view password, const std::string& include) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern = std::string(tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp") + "/weir-client-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  Fd fd(mkostemp(name.data(), O_CLOEXEC));  // mode 0600 from the start
  if (!fd) throw std::runtime_error("cannot create an option file like " + pattern + ": " + errno_text());
  path_ = name.data();
  try {
    write_and_sync(fd.get(), password_option_text(password, include), path_);
  } catch (...) {
    unlink(path_.c_str());
    throw;
  }
}

PasswordOptionFile::~PasswordOptionFile() { unlink(path_.c_str()); }

}  // namespace weir::pod
