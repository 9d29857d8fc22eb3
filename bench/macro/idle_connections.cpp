// Opens N logged-in client connections and keeps them idle until stdin closes or SIGTERM; prints
// "ready N" once all are open. For measuring a proxy's memory per idle connection.
#include <mysql.h>

#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s HOST PORT USER PASSWORD COUNT\n", argv[0]);
    return 2;
  }
  const unsigned port = static_cast<unsigned>(std::atoi(argv[2]));
  const int count = std::atoi(argv[5]);
  std::vector<MYSQL*> connections;
  connections.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    MYSQL* c = mysql_init(nullptr);
    if (mysql_real_connect(c, argv[1], argv[3], argv[4], nullptr, port, nullptr, 0) == nullptr) {
      std::fprintf(stderr, "connection %d failed: %s\n", i, mysql_error(c));
      return 1;
    }
    connections.push_back(c);
  }
  std::printf("ready %d\n", count);
  std::fflush(stdout);
  char byte;
  while (read(STDIN_FILENO, &byte, 1) > 0) {
  }
  for (auto* c : connections) mysql_close(c);
  return 0;
}
