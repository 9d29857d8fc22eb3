// Walks every command of weir's tree (the tables the binary answers from) and runs the real binary
// for each: --help and -h print the same usage on stdout naming every option of the table and
// exit 0; `weir help <command>` prints the same; an unknown option exits 2 with the error and the
// usage on stderr. The man page names every command and renders; the completion completes them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "subcommands.hpp"
#include "weir/cli/help.hpp"
#include "weir/testing/temp_dir.hpp"

namespace weir::app {
namespace {

using ::testing::HasSubstr;

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string completion_driver(const std::string& script, const std::string& line);

class CommandTree : public ::testing::Test {
 protected:
  // Runs a shell command line with stdout and stderr captured apart.
  Outcome shell(const std::string& command) const {
    const auto out = dir_ / "out";
    const auto err = dir_ / "err";
    const std::string line = "(" + command + ") >" + out.string() + " 2>" + err.string() + " </dev/null";
    const int raw = std::system(line.c_str());
    Outcome run;
    run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    run.out = slurp(out);
    run.err = slurp(err);
    return run;
  }
  Outcome weir(const std::string& words) const { return shell(std::string(WEIR_BINARY) + " " + words); }
  Outcome complete(const std::filesystem::path& script, const std::string& line) const {
    std::ofstream(dir_ / "complete.sh") << completion_driver(script.string(), line);
    return shell("bash " + (dir_ / "complete.sh").string());
  }

  weir::testing::TempDir temp_{"weir-cli-test-"};
  std::filesystem::path dir_ = temp_.path();
};

struct Visited {
  const cli::Command* command;
  std::string path;   // "weir pod clone"
  std::string words;  // "pod clone"
};

void visit(const cli::Command& command, const std::string& path, const std::string& words, std::vector<Visited>& out) {
  if (command.hidden) return;
  out.push_back({&command, path, words});
  for (const auto& sub : command.subcommands) {
    visit(sub, path + " " + sub.name, words.empty() ? sub.name : words + " " + sub.name, out);
  }
}

std::vector<Visited> every_command() {
  std::vector<Visited> out;
  visit(root_command(), "weir", "", out);
  return out;
}

TEST_F(CommandTree, HoldsEveryCommandOfWeir) {
  std::vector<std::string> paths;
  for (const auto& v : every_command()) paths.push_back(v.words);
  for (const char* expected :
       {"proxy", "up", "status", "scale", "down", "pod", "pod init", "pod clone", "pod serve-backup", "pod sidecar",
        "pod probe", "deploy", "teardown", "help", "version"}) {
    EXPECT_THAT(paths, ::testing::Contains(std::string(expected)));
  }
}

TEST_F(CommandTree, EveryCommandAnswersHelpNamingEveryOption) {
  for (const auto& v : every_command()) {
    SCOPED_TRACE(v.path);
    const Outcome help = weir(v.words + " --help");
    EXPECT_EQ(help.status, 0);
    EXPECT_EQ(help.err, "");
    ASSERT_FALSE(help.out.empty());
    EXPECT_THAT(help.out, HasSubstr(cli::usage_line(*v.command, v.path)));
    for (const cli::Option* option : cli::all_options(*v.command)) {
      EXPECT_THAT(help.out, HasSubstr("--" + option->name));
      if (option->short_name != '\0') {
        EXPECT_THAT(help.out, HasSubstr(std::string("-") + option->short_name + ", "));
      }
    }
    for (const auto& sub : v.command->subcommands) {
      if (!sub.hidden) {
        EXPECT_THAT(help.out, HasSubstr("\n  " + sub.name + " "));
      }
    }
    const Outcome short_help = weir(v.words + " -h");
    EXPECT_EQ(short_help.status, 0);
    EXPECT_EQ(short_help.out, help.out);
    const Outcome help_command = weir("help " + v.words);
    EXPECT_EQ(help_command.status, 0);
    EXPECT_EQ(help_command.out, help.out);
  }
}

TEST_F(CommandTree, AGroupReadsHelpAsItsSubcommandsHelp) {
  const Outcome clone = weir("pod clone --help");
  EXPECT_EQ(weir("pod help clone").out, clone.out);
  const Outcome pod = weir("pod help");
  EXPECT_EQ(pod.status, 0);
  EXPECT_EQ(pod.out, weir("pod --help").out);
  const Outcome bare = weir("pod");
  EXPECT_EQ(bare.status, 2);
  EXPECT_EQ(bare.err, pod.out);
}

TEST_F(CommandTree, AnUnknownOptionExitsTwoWithTheUsageOnStderr) {
  for (const auto& v : every_command()) {
    SCOPED_TRACE(v.path);
    const Outcome run = weir(v.words + " --no-such-option");
    EXPECT_EQ(run.status, 2);
    EXPECT_EQ(run.out, "");
    EXPECT_THAT(run.err, HasSubstr(v.path + ": unknown option '--no-such-option'"));
    EXPECT_THAT(run.err, HasSubstr(cli::usage_line(*v.command, v.path) + "\n"));
  }
  const Outcome unknown = weir("no-such-command");
  EXPECT_EQ(unknown.status, 2);
  EXPECT_THAT(unknown.err, HasSubstr("unknown command 'no-such-command'"));
  EXPECT_EQ(weir("help no-such-command").status, 2);
}

TEST_F(CommandTree, TheManPageNamesEveryCommandAndRenders) {
  const Outcome man = weir("help --man");
  ASSERT_EQ(man.status, 0) << man.err;
  std::ofstream(dir_ / "weir.1") << man.out;
  const Outcome rendered = shell("groff -man -Tutf8 -ww -z " + (dir_ / "weir.1").string() + " && MANWIDTH=200 man -l " +
                                 (dir_ / "weir.1").string() + " | col -b");
  ASSERT_EQ(rendered.status, 0) << rendered.err;
  EXPECT_EQ(rendered.err, "") << "groff warnings";
  EXPECT_THAT(rendered.out, HasSubstr("weir completion bash"));  // hidden from the lists, not from the man page
  for (const auto& v : every_command()) {
    if (v.command == &root_command()) continue;
    EXPECT_THAT(rendered.out, HasSubstr(cli::usage_line(*v.command, v.path).substr(7))) << v.path;
    for (const cli::Option* option : cli::all_options(*v.command)) {
      EXPECT_THAT(rendered.out, HasSubstr("--" + option->name)) << v.path;
    }
  }
}

// A bash script that completes `line` (the words typed so far, the last one possibly empty) as
// bash would with the completion `script`, and prints the candidates one per line.
std::string completion_driver(const std::string& script, const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  if (line.ends_with(' ')) words.emplace_back();
  std::string array;
  for (const auto& w : words) array += " '" + w + "'";
  return "source " + script + "\nCOMP_WORDS=(" + array + ")\nCOMP_CWORD=" + std::to_string(words.size() - 1) +
         "\n_weir\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
}

TEST_F(CommandTree, TheCompletionCompletesEveryCommandAndOption) {
  const Outcome script = weir("completion bash");
  ASSERT_EQ(script.status, 0) << script.err;
  const auto path = dir_ / "weir.bash";
  std::ofstream(path) << script.out;
  ASSERT_EQ(shell("bash -n " + path.string()).status, 0);
  for (const auto& v : every_command()) {
    SCOPED_TRACE(v.path);
    const std::string typed = v.path + " ";
    const Outcome names = complete(path, typed);
    ASSERT_EQ(names.status, 0) << names.err;
    for (const auto& sub : v.command->subcommands) EXPECT_THAT(names.out, HasSubstr(sub.name + "\n"));
    const Outcome options = complete(path, typed + "-");
    for (const cli::Option* option : cli::all_options(*v.command)) {
      EXPECT_THAT(options.out, HasSubstr("--" + option->name + "\n"));
    }
    EXPECT_THAT(options.out, HasSubstr("--help\n"));
  }
  const Outcome clone = complete(path, "weir pod cl");
  EXPECT_EQ(clone.out, "clone\n");
  const Outcome flavour = complete(path, "weir pod init --flavour m");
  EXPECT_EQ(flavour.out, "mariadb\nmysql\n");
}

}  // namespace
}  // namespace weir::app
