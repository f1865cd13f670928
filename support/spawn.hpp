// Starting an external program without a shell (issue 20): the program and
// its arguments are an argument vector handed to posix_spawnp, so no byte
// of a user-supplied path is ever interpreted by /bin/sh.
#pragma once

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include <spawn.h>
#include <sys/wait.h>

extern char** environ;

namespace scxmc::support {

struct SpawnResult {
  bool started = false;   // false: the program could not be run (see error)
  int exit_status = -1;   // its exit status when it exited normally
  int signal = 0;         // the signal that ended it, if any
  std::string error;
  bool ok() const { return started && signal == 0 && exit_status == 0; }
};

// Runs argv[0] (searched in PATH) with argv and waits for it.
inline SpawnResult runProgram(const std::vector<std::string>& argv) {
  SpawnResult r;
  if (argv.empty()) {
    r.error = "no program";
    return r;
  }
  std::vector<std::string> copy = argv;
  std::vector<char*> av;
  for (auto& a : copy) av.push_back(a.data());
  av.push_back(nullptr);
  pid_t pid;
  const int rc = posix_spawnp(&pid, av[0], nullptr, nullptr, av.data(), environ);
  if (rc != 0) {
    r.error = "cannot run '" + argv[0] + "': " + std::strerror(rc);
    return r;
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0) {
    if (errno != EINTR) {
      r.error = "waiting for '" + argv[0] + "': " + std::strerror(errno);
      return r;
    }
  }
  // glibc's posix_spawnp reports a failed exec as exit status 127
  if (WIFEXITED(st) && WEXITSTATUS(st) == 127) {
    r.error = "cannot run '" + argv[0] + "' (not found in PATH?)";
    return r;
  }
  r.started = true;
  if (WIFEXITED(st)) r.exit_status = WEXITSTATUS(st);
  if (WIFSIGNALED(st)) r.signal = WTERMSIG(st);
  if (!r.ok())
    r.error = "'" + argv[0] + "' " +
              (r.signal ? "was killed by signal " + std::to_string(r.signal)
                        : "exited with status " + std::to_string(r.exit_status));
  return r;
}

// Is `name` an executable file in PATH?  (No shell: walks PATH itself.)
inline bool programInPath(const std::string& name);

}  // namespace scxmc::support

#include <unistd.h>
#include <cstdlib>

inline bool scxmc::support::programInPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0;
  const char* p = std::getenv("PATH");
  std::string path = p ? p : "/usr/local/bin:/usr/bin:/bin";
  size_t a = 0;
  while (a <= path.size()) {
    size_t b = path.find(':', a);
    if (b == std::string::npos) b = path.size();
    const std::string dir = b > a ? path.substr(a, b - a) : ".";
    if (access((dir + "/" + name).c_str(), X_OK) == 0) return true;
    a = b + 1;
  }
  return false;
}
