#include "raw_disk.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "bench_util.h"

namespace strata::bench {

namespace fs = std::filesystem;

// Writes back dirty pages, then asks the kernel to drop clean cached pages so
// the next read comes from the disk. False when not permitted (not root, or
// /proc/sys read-only in a container).
bool DropPageCache() {
  ::sync();
  int fd = ::open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::write(fd, "3", 1) == 1;
  ::close(fd);
  return ok;
}

// The file system holding `path`, from /proc/self/mountinfo: "ext4 (/dev/vda on /)".
std::string FileSystemOf(const std::string& path, bool* in_memory) {
  std::error_code ec;
  const std::string real = fs::canonical(path, ec).string();
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string line, best_point, best_type, best_source;
  while (std::getline(mountinfo, line)) {
    std::istringstream fields(line);
    std::string id, parent, device, root, point, field;
    fields >> id >> parent >> device >> root >> point;
    while (fields >> field && field != "-") {
    }
    std::string type, source;
    fields >> type >> source;
    const bool covers = real == point || point == "/" ||
                        (real.size() > point.size() && real.compare(0, point.size(), point) == 0 &&
                         real[point.size()] == '/');
    if (covers && point.size() >= best_point.size()) {
      best_point = point;
      best_type = type;
      best_source = source;
    }
  }
  *in_memory = best_type == "tmpfs" || best_type == "ramfs";
  if (best_type.empty()) return "unknown";
  return best_type + " (" + best_source + " on " + best_point + ")";
}

// Peak and current resident memory of this process, in bytes.
uint64_t ProcStatusBytes(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) == 0) return std::strtoull(line.c_str() + prefix.size(), nullptr, 10) * 1024;
  }
  return 0;
}

void FillRandom(std::byte* p, size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i + 8 <= size; i += 8) {
    const uint64_t v = rng();
    std::memcpy(p + i, &v, 8);
  }
}

// Gives every chunk of a stream distinct content at no real cost.
void StampChunk(std::byte* chunk, uint64_t index) { std::memcpy(chunk, &index, sizeof(index)); }

// A cheap function of a chunk's contents, so reads cannot be optimized away.
uint64_t Sample(const std::byte* chunk, size_t size) {
  uint64_t a = 0, b = 0;
  std::memcpy(&a, chunk, std::min<size_t>(8, size));
  if (size >= 8) std::memcpy(&b, chunk + size - 8, 8);
  return a ^ (b * 31);
}

double Gbps(uint64_t bytes, double seconds) { return static_cast<double>(bytes) / seconds / 1e9; }

size_t MedianIndex(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  return order[order.size() / 2];
}

double Median(const std::vector<double>& values) { return values[MedianIndex(values)]; }

// ---------------------------------------------------------------- raw disk baseline

double RawWrite(const std::string& path, uint64_t size, const AlignedBuffer& buffer) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 0644);
  if (fd < 0) Die("open " + path + " with O_DIRECT: " + std::strerror(errno));
  const Clock::time_point start = Clock::now();
  for (uint64_t done = 0, index = 0; done < size; ++index) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer.size, size - done));
    StampChunk(buffer.bytes(), index);
    ssize_t w = ::pwrite(fd, buffer.data, n, static_cast<off_t>(done));
    if (w <= 0) Die("write " + path + ": " + std::strerror(errno));
    done += static_cast<uint64_t>(w);
  }
  if (::fdatasync(fd) != 0) Die("fdatasync " + path + ": " + std::strerror(errno));
  const double seconds = SecondsSince(start);
  ::close(fd);
  return Gbps(size, seconds);
}

// Reads the file back in 4 MiB requests, one at a time: with O_DIRECT (the
// baseline of the goal), or buffered, through the page cache and the kernel's
// readahead, as Strata's block files are read.
double RawRead(const std::string& path, uint64_t size, const AlignedBuffer& buffer, bool direct, uint64_t* sink) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (direct ? O_DIRECT : 0));
  if (fd < 0) Die("open " + path + (direct ? " with O_DIRECT: " : ": ") + std::strerror(errno));
  const Clock::time_point start = Clock::now();
  for (uint64_t done = 0; done < size;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer.size, size - done));
    ssize_t r = ::pread(fd, buffer.data, n, static_cast<off_t>(done));
    if (r <= 0) Die("read " + path + ": " + (r == 0 ? std::string("short file") : std::strerror(errno)));
    *sink ^= Sample(buffer.bytes(), static_cast<size_t>(r));
    done += static_cast<uint64_t>(r);
  }
  const double seconds = SecondsSince(start);
  ::close(fd);
  return Gbps(size, seconds);
}

// Durable small writes as a file system does them at best: a new file,
// written, fdatasync'd, closed. Returns files per second; leaves the files.
double RawSmallWrites(const std::string& dir, size_t size, int max_count, double seconds, int* count) {
  fs::create_directories(dir);
  std::vector<std::byte> data(size);
  FillRandom(data.data(), size, 5);
  const Clock::time_point start = Clock::now();
  int n = 0;
  for (; n < max_count && (n < 10 || SecondsSince(start) < seconds); ++n) {
    const std::string path = dir + "/" + std::to_string(n);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || ::write(fd, data.data(), size) != static_cast<ssize_t>(size) || ::fdatasync(fd) != 0) {
      Die("raw small write " + path + ": " + std::strerror(errno));
    }
    ::close(fd);
  }
  *count = n;
  return n / SecondsSince(start);
}

double RawSmallReads(const std::string& dir, size_t size, int count, double seconds, uint64_t* sink) {
  std::vector<std::byte> data(size);
  const Clock::time_point start = Clock::now();
  int n = 0;
  for (; n < count && (n < 10 || SecondsSince(start) < seconds); ++n) {
    const std::string path = dir + "/" + std::to_string(n);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::read(fd, data.data(), size) != static_cast<ssize_t>(size)) {
      Die("raw small read " + path + ": " + std::strerror(errno));
    }
    ::close(fd);
    *sink ^= Sample(data.data(), size);
  }
  return n / SecondsSince(start);
}

}  // namespace strata::bench
