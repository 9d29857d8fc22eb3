// Secret files: mode 0600 from their creation whatever the umask, replaced atomically, and the
// temporary option file for the backup tool gone with its owner.
#include "weir/pod/private_file.hpp"
#include "weir/testing/temp_dir.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include "weir/testing/files.hpp"

namespace weir::pod {
namespace {

namespace fs = std::filesystem;

using weir::testing::read_file;

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// Sets a umask for the test's scope: 0 would leave a file made by ofstream readable by everyone.
class UmaskScope {
 public:
  explicit UmaskScope(mode_t mask) : old_(umask(mask)) {}
  ~UmaskScope() { umask(old_); }

 private:
  mode_t old_;
};

class PrivateFile : public ::testing::Test {
 protected:
  weir::testing::TempDir temp_{"weir-private-file-"};
  fs::path dir_ = temp_.path();
};

TEST_F(PrivateFile, CreatedOwnerOnlyWhateverTheUmask) {
  const UmaskScope open_umask(0);
  const auto path = dir_ / "root-password";
  write_private_file(path.string(), "s3cret");
  EXPECT_EQ(mode_of(path), 0600U);
  EXPECT_EQ(read_file(path), "s3cret");
  EXPECT_FALSE(fs::exists(dir_ / "root-password.tmp"));
}

TEST_F(PrivateFile, ReplacesAWorldReadableFileWithAPrivateOne) {
  const UmaskScope open_umask(0);
  const auto path = dir_ / "bootstrap.sql";
  std::ofstream(path) << "old";
  ASSERT_EQ(mode_of(path), 0666U);
  write_private_file(path.string(), "new");
  EXPECT_EQ(mode_of(path), 0600U);
  EXPECT_EQ(read_file(path), "new");
}

TEST_F(PrivateFile, ALinkLeftAtTheTemporaryNameIsNotFollowed) {
  const auto target = dir_ / "elsewhere";
  std::ofstream(target) << "untouched";
  fs::create_symlink(target, dir_ / "secret.tmp");
  write_private_file((dir_ / "secret").string(), "value");
  EXPECT_EQ(read_file(target), "untouched");
  EXPECT_EQ(read_file(dir_ / "secret"), "value");
  EXPECT_FALSE(fs::is_symlink(dir_ / "secret"));
}

TEST_F(PrivateFile, AnUnwritableDirectoryIsNamedInTheError) {
  try {
    write_private_file((dir_ / "missing" / "secret").string(), "value");
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "missing" / "secret.tmp").string()), std::string::npos) << e.what();
  }
}

TEST_F(PrivateFile, PasswordOptionFileIsPrivateAndRemovedWithItsOwner) {
  const UmaskScope open_umask(0);
  std::string path;
  {
    setenv("TMPDIR", dir_.c_str(), 1);
    const PasswordOptionFile file("pa\"ss\\word");
    unsetenv("TMPDIR");
    path = file.path();
    EXPECT_EQ(fs::path(path).parent_path(), dir_);
    EXPECT_EQ(mode_of(path), 0600U);
    EXPECT_EQ(read_file(path), "[client]\npassword=\"pa\\\"ss\\\\word\"\n");
  }
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(password_option_text("pw", "/x/my.cnf"), "!include /x/my.cnf\n[client]\npassword=\"pw\"\n");
}

}  // namespace
}  // namespace weir::pod
