// Baselines for the store benchmark, measured on the same disk in the same
// run: raw sequential writes and reads with O_DIRECT, small files written and
// fdatasync'd one by one, and the system facts the tables print (file system,
// page cache, resident memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace strata::bench {

inline constexpr size_t kAlign = 4096;  // O_DIRECT alignment

// Prints the error, removes the benchmark's work directory and exits; defined
// by the benchmark program.
[[noreturn]] void Die(const std::string& what);

struct AlignedBuffer {
  explicit AlignedBuffer(size_t size) : size(size) {
    if (posix_memalign(&data, kAlign, size) != 0) Die("out of memory");
  }
  ~AlignedBuffer() { std::free(data); }
  std::byte* bytes() const { return static_cast<std::byte*>(data); }
  void* data = nullptr;
  size_t size;
};

// Writes back dirty pages, then asks the kernel to drop clean cached pages so
// the next read comes from the disk. False when not permitted (not root, or
// /proc/sys read-only in a container).
bool DropPageCache();
// The file system holding `path`, from /proc/self/mountinfo: "ext4 (/dev/vda on /)".
std::string FileSystemOf(const std::string& path, bool* in_memory);
// Peak and current resident memory of this process, in bytes.
uint64_t ProcStatusBytes(const char* field);
void FillRandom(std::byte* p, size_t size, uint64_t seed);
// Gives every chunk of a stream distinct content at no real cost.
void StampChunk(std::byte* chunk, uint64_t index);
// A cheap function of a chunk's contents, so reads cannot be optimized away.
uint64_t Sample(const std::byte* chunk, size_t size);
double Gbps(uint64_t bytes, double seconds);
size_t MedianIndex(const std::vector<double>& values);
double Median(const std::vector<double>& values);
double RawWrite(const std::string& path, uint64_t size, const AlignedBuffer& buffer);
// Reads the file back in 4 MiB requests, one at a time: with O_DIRECT (the
// baseline of the goal), or buffered, through the page cache and the kernel's
// readahead, as Strata's block files are read.
double RawRead(const std::string& path, uint64_t size, const AlignedBuffer& buffer, bool direct, uint64_t* sink);
// Durable small writes as a file system does them at best: a new file,
// written, fdatasync'd, closed. Returns files per second; leaves the files.
double RawSmallWrites(const std::string& dir, size_t size, int max_count, double seconds, int* count);
double RawSmallReads(const std::string& dir, size_t size, int count, double seconds, uint64_t* sink);

}  // namespace strata::bench
