// The one way scxmc writes an output file (issue 20): a temporary created
// with mkstemp (O_EXCL, mode 0600 then the umask's mode) in the target's own
// directory, written, fsync'ed, then renamed over the target.  A reader sees
// the old file or the whole new one; a failure, an exception or a signal
// removes the temporary and leaves an existing target untouched; a symlink
// planted at a predictable name is never followed (the name is random and
// created exclusively).
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "interrupt.hpp"

namespace scxmc::support {

namespace detail {
inline std::string dirOf(const std::string& path) {
  const size_t s = path.rfind('/');
  if (s == std::string::npos) return ".";
  if (s == 0) return "/";
  return path.substr(0, s);
}
inline mode_t currentUmask() {
  const mode_t m = umask(0);
  umask(m);
  return m;
}
}  // namespace detail

class AtomicFile {
 public:
  AtomicFile() = default;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() { abandon(); }

  // Creates the temporary next to `path`.  False with *err naming the path
  // when it cannot be written (empty, a directory, no such directory...).
  bool open(const std::string& path, std::string* err) {
    abandon();
    if (path.empty()) {
      *err = "an empty file name";
      return false;
    }
    if (path.back() == '/') {
      *err = "'" + path + "' is a directory";
      return false;
    }
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
      *err = "'" + path + "' is a directory";
      return false;
    }
    const std::string dir = detail::dirOf(path);
    const size_t s = path.rfind('/');
    const std::string base = s == std::string::npos ? path : path.substr(s + 1);
    tmp_ = (dir == "/" ? "/" : dir + "/") + "." + base + ".XXXXXX";
    fd_ = mkstemp(tmp_.data());
    if (fd_ < 0) {
      const int e = errno;
      *err = "cannot write '" + path + "': " + std::strerror(e);
      tmp_.clear();
      return false;
    }
    slot_ = registerTemp(tmp_);  // removed by a second signal's handler
    fchmod(fd_, 0666 & ~detail::currentUmask());
    path_ = path;
    return true;
  }

  bool write(std::string_view data) {
    if (fd_ < 0) return false;
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        failed_ = errno;
        return false;
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // fsync, close and rename over the target.  On failure the temporary is
  // removed and *err says why; the target is untouched.
  bool commit(std::string* err) {
    if (fd_ < 0) {
      *err = "no file open";
      return false;
    }
    int e = failed_;
    if (!e && fsync(fd_) != 0) e = errno;
    if (::close(fd_) != 0 && !e) e = errno;
    fd_ = -1;
    if (!e && std::rename(tmp_.c_str(), path_.c_str()) != 0) e = errno;
    if (e) {
      *err = "writing '" + path_ + "' failed: " + std::strerror(e);
      abandon();
      return false;
    }
    unregisterTemp(slot_);
    slot_ = -1;
    tmp_.clear();
    return true;
  }

  // Removes the temporary (if any); the target is untouched.
  void abandon() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!tmp_.empty()) unlink(tmp_.c_str());
    tmp_.clear();
    unregisterTemp(slot_);
    slot_ = -1;
    failed_ = 0;
  }

  bool isOpen() const { return fd_ >= 0; }
  // The temporary's name while open (an external program may write it).
  const std::string& tempPath() const { return tmp_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_, tmp_;
  int fd_ = -1;
  int slot_ = -1;
  int failed_ = 0;
};

// Can `path` be written?  Creates and removes a temporary next to it, so a
// bad path fails before a long search.  "" when it can.
inline std::string checkWritable(const std::string& path) {
  AtomicFile f;
  std::string err;
  if (!f.open(path, &err)) return err;
  return "";
}

// Writes `data` to `path` atomically; "" on success, else the error.
inline std::string writeFileAtomic(const std::string& path, std::string_view data) {
  AtomicFile f;
  std::string err;
  if (!f.open(path, &err)) return err;
  if (!f.write(data) || !f.commit(&err)) return err.empty() ? "writing '" + path + "' failed" : err;
  return "";
}

}  // namespace scxmc::support
