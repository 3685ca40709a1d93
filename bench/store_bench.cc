// strata_store_bench: what a store on one disk delivers, against that disk's
// raw speed measured in the same run. A store of 6 drive directories with a
// 4+2 code is created under a fresh directory on the disk being measured; the
// raw baseline writes and reads one file on the same disk with O_DIRECT.
// Large objects: put, get, degraded get (two drives gone). Small objects:
// puts/s durable and batched, gets/s, block files per object. Peak memory of a
// put and get, measured in a child process. Everything is removed at the end.
//
//   strata_store_bench [--dir DIR] [--size BYTES] [--repeat N] [--small-seconds S]
//                      [--small-max N] [--batch-count N] [--keep]
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench_util.h"
#include "raw_disk.h"
#include "strata/base/byte_size.h"
#include "strata/objects/object_store.h"

namespace strata::bench {
namespace {

namespace fs = std::filesystem;

constexpr size_t kChunk = size_t{4} << 20;  // put and get stream in 4 MiB chunks
constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kPeakGoalBytes = 64 * kMiB;
constexpr char kBucket[] = "bench";

struct Options {
  std::string dir;  // parent of the work directory
  uint64_t size = uint64_t{1} << 30;
  double small_seconds = 2.0;  // time bound for each small-object measurement
  int small_max = 1000;        // count bound for durable small puts
  int batch_count = 2000;      // objects per batched load
  int repeat = 3;              // large-object measurements: median of this many
  bool keep = false;
  std::string peak_child_root;  // set in the child process that measures peak memory
};

// ---------------------------------------------------------------- process-wide state

std::string g_work_dir;  // removed at exit unless --keep
bool g_keep = false;
// Drive directories renamed away for the degraded get; put back on any exit.
std::vector<std::pair<std::string, std::string>> g_renamed;

void RestoreRenamed() {
  for (auto& [away, original] : g_renamed) ::rename(away.c_str(), original.c_str());
  g_renamed.clear();
}

void Cleanup() {
  RestoreRenamed();
  if (!g_work_dir.empty() && !g_keep) {
    std::error_code ec;
    fs::remove_all(g_work_dir, ec);
    g_work_dir.clear();
  }
}

// Ctrl-C, a closed pipe or a kill still restores the drives and removes the
// work directory. Not async-signal-safe in general, but nothing else runs by then.
void OnSignal(int signal) {
  Cleanup();
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void CleanUpOnSignals() {
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) std::signal(signal, OnSignal);
}


void Check(const Status& st, const std::string& what) {
  if (!st.ok()) Die(what + ": " + st.ToString());
}

template <typename T>
T Check(Result<T> result, const std::string& what) {
  if (!result.ok()) Die(what + ": " + result.status().ToString());
  return std::move(result).value();
}

// ---------------------------------------------------------------- store operations

std::unique_ptr<ObjectStore> OpenStore(const std::string& root) {
  return Check(ObjectStore::Open(root), "open store " + root);
}

struct PutTiming {
  double seconds = 0;        // NewObject until Commit returned
  double write_seconds = 0;  // the Write calls
  double write_cpu = 0;      // CPU time (user + system) of the Write calls
  double commit_seconds = 0; // Commit alone
};

double CpuSeconds() {
  struct rusage usage;
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Streams `size` bytes into one object from a 4 MiB buffer; times it until
// Commit returned (the object durable and visible).
PutTiming PutLarge(ObjectStore& store, const std::string& key, uint64_t size, std::byte* chunk) {
  PutTiming t;
  const double cpu_start = CpuSeconds();
  const Clock::time_point start = Clock::now();
  auto writer = Check(store.NewObject(kBucket, key), "put " + key);
  for (uint64_t done = 0, index = 0; done < size; ++index) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, size - done));
    StampChunk(chunk, index);
    Check(writer->Write(std::span<const std::byte>(chunk, n)), "put " + key);
    done += n;
  }
  t.write_seconds = SecondsSince(start);
  t.write_cpu = CpuSeconds() - cpu_start;
  const Clock::time_point commit_start = Clock::now();
  Check(writer->Commit().status(), "commit " + key);
  t.commit_seconds = SecondsSince(commit_start);
  t.seconds = SecondsSince(start);
  return t;
}

// Reads the whole object in 4 MiB chunks; returns seconds from open to the last byte.
double GetLarge(ObjectStore& store, const std::string& key, std::byte* chunk, uint64_t* sink) {
  const Clock::time_point start = Clock::now();
  auto reader = Check(store.OpenObject(kBucket, key), "get " + key);
  const uint64_t size = reader->record().size;
  for (uint64_t done = 0; done < size;) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(kChunk, size - done));
    Check(reader->Read(done, std::span<std::byte>(chunk, n)), "get " + key);
    *sink ^= Sample(chunk, n);
    done += n;
  }
  Check(reader->Close(), "close " + key);
  return SecondsSince(start);
}

uint64_t CountBlockFiles(const std::string& root) {
  uint64_t count = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root + "/drives", ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".blk") ++count;
  }
  return count;
}

struct DriveDir {
  std::string name;  // "d3"
  std::string path;  // absolute
};

// The drive directories holding level-2 positions `positions` of the object's blob.
std::vector<DriveDir> DrivesOf(ObjectStore& store, const std::string& key, std::vector<int> positions) {
  ObjectRecord record = Check(store.Head(kBucket, key), "head " + key);
  BlobRecord blob = Check(store.catalog().GetBlob(record.blob_id), "blob of " + key);
  std::vector<DriveRecord> drives = Check(store.catalog().ListDrives(), "list drives");
  std::vector<DriveDir> out;
  for (int p : positions) {
    const std::string& id = blob.placement.nodes.at(0).drive_ids.at(p);
    for (const DriveRecord& d : drives) {
      if (d.drive_id == id) out.push_back(DriveDir{d.name, JoinPath(store.root(), d.path)});
    }
  }
  if (out.size() != positions.size()) Die("could not find the drives of " + key);
  return out;
}

// ---------------------------------------------------------------- the report

struct Row {
  std::string measurement, value, baseline, ratio, goal, meets;
};

std::vector<Row> g_rows;

void AddRow(std::string measurement, std::string value, std::string baseline, std::string ratio,
            std::string goal = "-", std::optional<bool> meets = std::nullopt) {
  g_rows.push_back(Row{std::move(measurement), std::move(value), std::move(baseline), std::move(ratio),
                       std::move(goal), meets ? (*meets ? "yes" : "NO") : "-"});
}

std::string GB(double gbps) { return Format("%.2f GB/s", gbps); }
std::string PerSecond(double rate) { return Format(rate >= 100 ? "%.0f /s" : "%.1f /s", rate); }
std::string Times(double ratio) { return Format("%.2fx", ratio); }
std::string MiB(uint64_t bytes) { return Format("%.1f MiB", static_cast<double>(bytes) / kMiB); }

void Progress(const std::string& what) {
  std::fprintf(stderr, "  .. %s\n", what.c_str());
}

// ---------------------------------------------------------------- small objects

struct SmallFigures {
  double durable_puts = 0, batched_puts = 0, gets_single = 0, gets_packed = 0;
  double files_durable = 0, files_batched = 0;
  int durable_count = 0, batched_count = 0;
};

double GetSmall(ObjectStore& store, const std::vector<std::string>& keys, size_t size, const Options& options,
                uint64_t* sink) {
  std::vector<std::byte> out(size);
  const Clock::time_point start = Clock::now();
  size_t n = 0;
  for (; n < keys.size() && (n < 10 || SecondsSince(start) < options.small_seconds); ++n) {
    auto reader = Check(store.OpenObject(kBucket, keys[n]), "get " + keys[n]);
    Check(reader->Read(0, out), "get " + keys[n]);
    Check(reader->Close(), "close " + keys[n]);
    *sink ^= Sample(out.data(), size);
  }
  return n / SecondsSince(start);
}

SmallFigures MeasureSmall(ObjectStore& store, size_t size, const std::string& label, const Options& options,
                          bool drop_cache, uint64_t* sink) {
  SmallFigures f;
  std::vector<std::byte> data(size);
  FillRandom(data.data(), size, size);
  const std::string root = store.root();

  // Each put durable when Commit returns.
  store.SetBatching(false);
  std::vector<std::string> durable_keys;
  uint64_t files_before = CountBlockFiles(root);
  Clock::time_point start = Clock::now();
  for (int n = 0; n < options.small_max && (n < 10 || SecondsSince(start) < options.small_seconds); ++n) {
    durable_keys.push_back("small/" + label + "/durable/" + std::to_string(n));
    StampChunk(data.data(), n);
    Check(store.PutBytes(kBucket, durable_keys.back(), data).status(), "put " + durable_keys.back());
  }
  f.durable_puts = durable_keys.size() / SecondsSince(start);
  f.durable_count = static_cast<int>(durable_keys.size());
  f.files_durable = static_cast<double>(CountBlockFiles(root) - files_before) / durable_keys.size();

  // A bulk load: batching on, durable at FlushPacks (included in the time).
  std::vector<std::string> batched_keys;
  files_before = CountBlockFiles(root);
  store.SetBatching(true);
  start = Clock::now();
  for (int n = 0; n < options.batch_count && (n < 10 || SecondsSince(start) < 2 * options.small_seconds); ++n) {
    batched_keys.push_back("small/" + label + "/batched/" + std::to_string(n));
    StampChunk(data.data(), n);
    Check(store.PutBytes(kBucket, batched_keys.back(), data).status(), "put " + batched_keys.back());
  }
  Check(store.FlushPacks(), "flush packs");
  f.batched_puts = batched_keys.size() / SecondsSince(start);
  store.SetBatching(false);
  f.batched_count = static_cast<int>(batched_keys.size());
  f.files_batched = static_cast<double>(CountBlockFiles(root) - files_before) / batched_keys.size();

  // Gets in a shuffled order, each object read whole.
  std::mt19937 rng(42);
  std::shuffle(durable_keys.begin(), durable_keys.end(), rng);
  std::shuffle(batched_keys.begin(), batched_keys.end(), rng);
  if (drop_cache) DropPageCache();
  f.gets_single = GetSmall(store, durable_keys, size, options, sink);
  if (drop_cache) DropPageCache();
  f.gets_packed = GetSmall(store, batched_keys, size, options, sink);
  return f;
}

// ---------------------------------------------------------------- peak memory (child)

// Runs in a child process: a store of its own, one put and one get of `size`
// bytes, then prints its memory high-water marks for the parent.
int PeakChild(const Options& options) {
  InitOptions init;
  init.drives_per_node = 6;
  Check(ObjectStore::Init(options.peak_child_root, init), "init store " + options.peak_child_root);
  auto store = OpenStore(options.peak_child_root);
  Check(store->CreateBucket(kBucket), "create bucket");
  const uint64_t after_open = ProcStatusBytes("VmHWM");
  std::vector<std::byte> chunk(kChunk);
  FillRandom(chunk.data(), chunk.size(), 3);
  PutLarge(*store, "peak", options.size, chunk.data());
  uint64_t sink = 0;
  GetLarge(*store, "peak", chunk.data(), &sink);
  store.reset();
  std::printf("vmhwm=%llu after_open=%llu sink=%llu\n", static_cast<unsigned long long>(ProcStatusBytes("VmHWM")),
              static_cast<unsigned long long>(after_open), static_cast<unsigned long long>(sink));
  return 0;
}

// Starts this program again in peak-memory mode and reads what it prints.
bool RunPeakChild(const std::string& root, uint64_t size, uint64_t* peak, uint64_t* after_open) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return false;
  const std::string size_text = std::to_string(size);
  pid_t pid = ::fork();
  if (pid < 0) return false;
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    const char* args[] = {"strata_store_bench", "--peak-child", root.c_str(), "--size", size_text.c_str(), nullptr};
    ::execv("/proc/self/exe", const_cast<char* const*>(args));
    std::_Exit(127);
  }
  ::close(pipe_fds[1]);
  std::string output;
  char buffer[256];
  ssize_t n;
  while ((n = ::read(pipe_fds[0], buffer, sizeof(buffer))) > 0) output.append(buffer, static_cast<size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  unsigned long long hwm = 0, open = 0, sink = 0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      std::sscanf(output.c_str(), "vmhwm=%llu after_open=%llu sink=%llu", &hwm, &open, &sink) != 3) {
    return false;
  }
  *peak = hwm;
  *after_open = open;
  return true;
}

// ---------------------------------------------------------------- main flow

// A tier move of one large object between two 4+2 tiers of six drives each
// on the same disk: read, write the new blob (6/4 of the bytes), read it back
// to verify, switch. The baseline is a plain copy of the same bytes on the
// same disk at the raw read and write speeds of this run.
void MeasureTierMove(uint64_t size, std::byte* chunk, double raw_read, double raw_write) {
  const std::string root = g_work_dir + "/tiered";
  InitOptions init;
  init.config.tiers = {TierConfig{"hot", "dir", CodeSpec{1, 0}, CodeSpec{4, 2}},
                       TierConfig{"capacity", "dir", CodeSpec{1, 0}, CodeSpec{4, 2}}};
  Check(ObjectStore::Init(root, init), "init store " + root);
  auto store = OpenStore(root);
  Check(store->CreateBucket(kBucket), "create bucket");
  Progress("tier move of " + FormatByteSize(size));
  PutLarge(*store, "moving", size, chunk);
  DropPageCache();
  const Clock::time_point start = Clock::now();
  MoveReport moved = Check(store->MoveObjects(kBucket, "moving", MoveOptions{"capacity", 0, {}}), "move");
  const double seconds = SecondsSince(start);
  if (moved.bytes_moved != size) Die("the tier move moved " + std::to_string(moved.bytes_moved) + " bytes");
  const double move = Gbps(size, seconds);
  const double copy = 1.0 / (1.0 / raw_read + 1.0 / raw_write);  // read then write, one after the other
  AddRow("tier move " + FormatByteSize(size) + " (4+2 to 4+2, verified)", GB(move),
         "raw copy (read + write) = " + GB(copy), Times(move / copy), "-");
  store.reset();
  fs::remove_all(root);
}

int Run(Options options) {
  // A fresh work directory under --dir, $TMPDIR or /var/tmp.
  std::string parent = options.dir;
  if (parent.empty()) {
    const char* tmpdir = std::getenv("TMPDIR");
    parent = tmpdir && *tmpdir ? tmpdir : "/var/tmp";
  }
  std::string pattern = parent + "/strata-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) Die("create a work directory under " + parent + ": " + std::strerror(errno));
  g_work_dir = pattern;
  g_keep = options.keep;
  std::atexit(Cleanup);
  CleanUpOnSignals();

  bool in_memory = false;
  const std::string fs_type = FileSystemOf(g_work_dir, &in_memory);
  const bool can_drop = DropPageCache();
  const uint64_t size = options.size;

  std::printf("Store on one disk: 1 node, 6 drive directories, level 2 = 4+2, unit 1 MiB; 1 GB = 1e9 bytes\n");
  std::printf("work directory: %s\nfile system:    %s%s\n", g_work_dir.c_str(), fs_type.c_str(),
              in_memory ? "  ** IN MEMORY: figures do not describe a disk; use --dir on a real disk **" : "");
  std::printf("object size:    %s (--size); raw baseline: one file, O_DIRECT, 4 MiB requests, fdatasync at end\n",
              FormatByteSize(size).c_str());
  std::printf("page cache:     %s\n\n",
              can_drop ? "dropped before every read (sync; echo 3 > /proc/sys/vm/drop_caches)"
                       : "NOT dropped (needs root and a writable /proc/sys): get figures include page-cache hits");
  std::fflush(stdout);

  uint64_t sink = 0;
  AlignedBuffer buffer(kChunk);
  FillRandom(buffer.bytes(), buffer.size, 1);

  // Raw disk baseline and the large put and get, alternating so both see the
  // same disk conditions; each figure is the median of the runs.
  const std::string root = g_work_dir + "/store";
  InitOptions init;
  init.drives_per_node = 6;
  Check(ObjectStore::Init(root, init), "init store " + root);
  auto store = OpenStore(root);
  Check(store->CreateBucket(kBucket), "create bucket");

  const std::string raw_path = g_work_dir + "/raw.bin";
  std::vector<double> raw_writes, raw_reads, buffered_reads, puts, gets;
  std::vector<PutTiming> put_timings;
  std::string key;
  for (int r = 0; r < options.repeat; ++r) {
    Progress("run " + std::to_string(r + 1) + "/" + std::to_string(options.repeat) + ": raw write and read, put and get of " +
             FormatByteSize(size));
    raw_writes.push_back(RawWrite(raw_path, size, buffer));
    DropPageCache();
    raw_reads.push_back(RawRead(raw_path, size, buffer, /*direct=*/true, &sink));
    DropPageCache();
    buffered_reads.push_back(RawRead(raw_path, size, buffer, /*direct=*/false, &sink));
    fs::remove(raw_path);

    const std::string previous = key;
    key = "large-" + std::to_string(r);
    put_timings.push_back(PutLarge(*store, key, size, buffer.bytes()));
    puts.push_back(Gbps(size, put_timings.back().seconds));
    DropPageCache();
    gets.push_back(Gbps(size, GetLarge(*store, key, buffer.bytes(), &sink)));
    if (!previous.empty()) Check(store->Delete(kBucket, previous).status(), "delete " + previous);
  }
  const double raw_write = Median(raw_writes);
  const double raw_read = Median(raw_reads);
  const double buffered_read = Median(buffered_reads);
  const double put = Median(puts);
  const double get = Median(gets);
  const double ideal_put = raw_write * 4.0 / 6.0;  // 4+2 writes 6/4 of the data to the same disk
  const PutTiming median_put = put_timings[MedianIndex(puts)];

  AddRow("raw write, O_DIRECT", GB(raw_write), "-", "-");
  AddRow("raw read, O_DIRECT", GB(raw_read), "-", "-");
  AddRow(std::string("raw read, buffered") + (can_drop ? " (cold cache)" : " (cache NOT dropped)"), GB(buffered_read),
         "-", "-");
  AddRow("put " + FormatByteSize(size) + " (until Commit returns)", GB(put),
         "raw write x 4/6 = " + GB(ideal_put), Times(put / ideal_put), ">= 0.80x", put >= 0.8 * ideal_put);
  AddRow("get " + FormatByteSize(size), GB(get), "raw read = " + GB(raw_read), Times(get / raw_read), ">= 0.80x",
         get >= 0.8 * raw_read);
  AddRow("get " + FormatByteSize(size) + ", against buffered read", GB(get), "buffered raw read = " + GB(buffered_read),
         Times(get / buffered_read), "-");
  MeasureTierMove(size, buffer.bytes(), raw_read, raw_write);

  // Degraded gets: two drives' directories renamed away, the store reopened
  // (so they are down), then put back. Losing data positions costs decoding;
  // which two decides how many survivors the reader fetches.
  const int k = store->config().level2.k;
  const std::vector<std::vector<int>> lost_sets = {{0, 1}, {k - 2, k - 1}};
  for (const std::vector<int>& lost : lost_sets) {
    std::vector<DriveDir> gone = DrivesOf(*store, key, lost);
    Progress("degraded get, " + gone[0].name + " and " + gone[1].name + " gone");
    store.reset();
    for (const DriveDir& d : gone) {
      const std::string away = d.path + ".away";
      if (::rename(d.path.c_str(), away.c_str()) != 0) Die("rename " + d.path + ": " + std::strerror(errno));
      g_renamed.emplace_back(away, d.path);
    }
    store = OpenStore(root);
    std::vector<double> runs;
    for (int r = 0; r < options.repeat; ++r) {
      DropPageCache();
      runs.push_back(Gbps(size, GetLarge(*store, key, buffer.bytes(), &sink)));
    }
    const double degraded = Median(runs);
    store.reset();
    RestoreRenamed();
    store = OpenStore(root);
    AddRow("degraded get, data positions " + std::to_string(lost[0]) + "," + std::to_string(lost[1]) + " lost (" +
               gone[0].name + "," + gone[1].name + " gone)",
           GB(degraded), "healthy get = " + GB(get), Times(degraded / get), ">= 0.50x", degraded >= 0.5 * get);
  }
  Check(store->Delete(kBucket, key).status(), "delete " + key);

  // Small objects. 64 KiB is the pack threshold: smaller objects go into
  // packs, 64 KiB and larger get a blob of their own.
  const uint64_t threshold = store->config().small_object_threshold;
  struct SmallCase {
    size_t size;
    std::string label;
    std::string note;
  };
  const std::vector<SmallCase> cases = {
      {4096, "4KiB", "4 KiB, packed"},
      {threshold - 1, "64KiB-1", std::to_string(threshold / 1024) + " KiB - 1, packed"},
      {threshold, "64KiB", std::to_string(threshold / 1024) + " KiB, own blob"},
  };
  for (const SmallCase& c : cases) {
    Progress("small objects, " + c.note);
    int raw_count = 0;
    const std::string raw_dir = g_work_dir + "/raw-small-" + c.label;
    const double raw_puts = RawSmallWrites(raw_dir, c.size, options.small_max, options.small_seconds, &raw_count);
    DropPageCache();
    const double raw_gets = RawSmallReads(raw_dir, c.size, raw_count, options.small_seconds, &sink);
    fs::remove_all(raw_dir);
    SmallFigures f = MeasureSmall(*store, c.size, c.label, options, can_drop, &sink);
    const double bandwidth_limit = ideal_put * 1e9 / static_cast<double>(c.size);

    AddRow("put/s " + c.note + ", each durable", PerSecond(f.durable_puts),
           "raw file+fdatasync = " + PerSecond(raw_puts), Times(f.durable_puts / raw_puts));
    AddRow("put/s " + c.note + ", batched + FlushPacks", PerSecond(f.batched_puts),
           "raw write x 4/6 / size = " + PerSecond(bandwidth_limit), Times(f.batched_puts / bandwidth_limit));
    AddRow("get/s " + c.note + ", from single-object blobs", PerSecond(f.gets_single),
           "raw file open+read = " + PerSecond(raw_gets), Times(f.gets_single / raw_gets));
    AddRow("get/s " + c.note + ", from batched load", PerSecond(f.gets_packed),
           "raw file open+read = " + PerSecond(raw_gets), Times(f.gets_packed / raw_gets));
    AddRow("block files per object " + c.note + ", each durable", Format("%.3f", f.files_durable), "-", "-");
    AddRow("block files per object " + c.note + ", batched", Format("%.4f", f.files_batched), "-", "-");
  }
  store.reset();

  // Peak memory of a put and a get of `size` bytes, in a process of its own.
  Progress("peak memory: put and get of " + FormatByteSize(size) + " in a child process");
  uint64_t peak = 0, after_open = 0;
  if (RunPeakChild(g_work_dir + "/peak-store", size, &peak, &after_open)) {
    AddRow("peak memory (VmHWM), put + get of " + FormatByteSize(size), MiB(peak), "after Open = " + MiB(after_open),
           Times(static_cast<double>(peak) / static_cast<double>(after_open)), "< 64 MiB", peak < kPeakGoalBytes);
  } else {
    AddRow("peak memory (VmHWM), put + get of " + FormatByteSize(size), "child failed", "-", "-", "< 64 MiB");
  }

  Table table({"measurement", "value", "baseline (same run)", "ratio", "goal", "meets goal"});
  for (const Row& r : g_rows) table.Add({r.measurement, r.value, r.baseline, r.ratio, r.goal, r.meets});
  table.Print();
  std::printf("\nsmall objects: durable puts stop at %d objects or %.1f s, gets at %.1f s; batched loads %d objects.\n",
              options.small_max, options.small_seconds, options.small_seconds, options.batch_count);
  std::printf("block files per object: .blk files under the drives after minus before, divided by objects put.\n");
  std::printf("large objects: median of %d runs; raw and store runs alternate.\n", options.repeat);
  std::printf("put breakdown (median run): %.2f s in Write calls (%.2f s CPU), %.2f s in Commit\n",
              median_put.write_seconds, median_put.write_cpu, median_put.commit_seconds);
  std::printf("(read sample: %016llx)\n", static_cast<unsigned long long>(sink));
  return 0;
}

}  // namespace

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "strata_store_bench: %s\n", what.c_str());
  Cleanup();
  std::exit(1);
}

}  // namespace strata::bench

int main(int argc, char** argv) {
  strata::bench::Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return strata::bench::NextArgument(argc, argv, i); };
    if (arg == "--dir") {
      options.dir = value();
    } else if (arg == "--size") {
      auto parsed = strata::ParseByteSize(value());
      if (!parsed.ok() || *parsed < strata::bench::kAlign) {
        std::fprintf(stderr, "--size: a byte size of at least 4 KiB, like 256MiB or 2GiB\n");
        return 2;
      }
      // O_DIRECT needs whole 4 KiB blocks.
      options.size = (*parsed + strata::bench::kAlign - 1) / strata::bench::kAlign * strata::bench::kAlign;
    } else if (arg == "--small-seconds") {
      options.small_seconds = std::atof(value().c_str());
    } else if (arg == "--small-max") {
      options.small_max = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--batch-count") {
      options.batch_count = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--repeat") {
      options.repeat = std::max(1, std::atoi(value().c_str()));
    } else if (arg == "--keep") {
      options.keep = true;
    } else if (arg == "--peak-child") {
      options.peak_child_root = value();
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: strata_store_bench [--dir DIR] [--size BYTES (1GiB)] [--repeat N (3)] [--small-seconds S (2)]\n"
          "                          [--small-max N (1000)] [--batch-count N (2000)] [--keep]\n"
          "  --size   large object size (put, get, degraded get, peak memory) and raw file size\n"
          "  --repeat large-object figures are the median of N runs\n"
          "  --dir    parent of the fresh work directory; must be on the disk to measure\n"
          "           (default $TMPDIR, else /var/tmp)\n"
          "  --keep   leave the work directory in place\n");
      return 0;
    } else {
      std::fprintf(stderr, "unknown argument '%s' (try --help)\n", arg.c_str());
      return 2;
    }
  }
  if (!options.peak_child_root.empty()) return strata::bench::PeakChild(options);
  return strata::bench::Run(options);
}
