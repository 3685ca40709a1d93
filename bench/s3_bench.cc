// strata_s3_bench: the S3 gateway (`strata serve`) against nginx serving and
// storing plain files on the same disk, both driven in the same run by the
// same client: synchronous HTTP/1.1 over loopback TCP (Boost.Beast), one
// keep-alive connection per client thread. Requests to Strata are signed with
// SigV4 (PUT bodies as UNSIGNED-PAYLOAD, so the client hashes nothing); nginx
// gets the same requests unsigned. bench/s3_bench.sh starts both servers and
// runs this program; it only measures and prints a table.
//
//   strata_s3_bench --strata HOST:PORT --access-key K --secret-key S --strata-pid PID
//                   --nginx HOST:PORT --nginx-pid PID --nginx-root DIR [options]
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <latch>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/beast/http/verb.hpp>

#include "bench_util.h"
#include "s3_bench_client.h"
#include "strata/base/byte_size.h"

namespace strata::bench {
namespace {

namespace beast = boost::beast;

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr double kGetGoal = 0.7;        // GET >= 0.7x nginx
constexpr double kPutGoal = 0.6;        // PUT >= 0.6x nginx x k/(k+m)
constexpr double kFairnessGoal = 0.10;  // every client within 10% of the mean
constexpr int kDataUnits = 4, kParityUnits = 2;

void Progress(const std::string& what) { std::fprintf(stderr, "  .. %s\n", what.c_str()); }

// ---------------------------------------------------------------- running clients

struct ClientTally {
  uint64_t bytes = 0;
  uint64_t requests = 0;
  Clock::time_point end;
};

struct PhaseResult {
  double seconds = 0;  // from the common start until the last client finished
  std::vector<ClientTally> clients;
  uint64_t bytes() const {
    uint64_t total = 0;
    for (const ClientTally& c : clients) total += c.bytes;
    return total;
  }
  uint64_t requests() const {
    uint64_t total = 0;
    for (const ClientTally& c : clients) total += c.requests;
    return total;
  }
  double Gbps() const { return static_cast<double>(bytes()) / seconds / 1e9; }
  double PerSecond() const { return static_cast<double>(requests()) / seconds; }
};

// Runs `clients` threads, each with its own connection (opened before the
// clock starts), calling body(client, connection, deadline, tally) once; the
// phase lasts until the last client returns.
using ClientBody = std::function<void(int client, Connection&, Clock::time_point deadline, ClientTally&)>;

PhaseResult RunClients(const Server& server, int clients, double seconds, const ClientBody& body) {
  PhaseResult result;
  result.clients.resize(clients);
  std::latch connected(clients);
  std::latch go(1);
  Clock::time_point start, deadline;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Connection connection(server);
      connection.Connect();
      connected.count_down();
      go.wait();
      body(c, connection, deadline, result.clients[c]);
      result.clients[c].end = Clock::now();
      connection.Close();
    });
  }
  connected.wait();
  start = Clock::now();
  deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  go.count_down();
  for (std::thread& t : threads) t.join();
  Clock::time_point end = start;
  for (const ClientTally& c : result.clients) end = std::max(end, c.end);
  result.seconds = std::chrono::duration<double>(end - start).count();
  return result;
}

// Each client uploads whole objects of `size` to its own key until the
// deadline has passed (at least one each).
PhaseResult PutLarge(const Server& server, const std::string& bucket, int clients, uint64_t size, double seconds,
                     const std::string& phase = "large") {
  return RunClients(server, clients, seconds, [&](int c, Connection& connection, Clock::time_point deadline,
                                                  ClientTally& tally) {
    Generator generator(1000 + c);
    do {
      connection.Put(ObjectPath(bucket, phase, c), size, generator);
      tally.bytes += size;
      ++tally.requests;
    } while (Clock::now() < deadline);
  });
}

// Each client reads object `client % objects` of the large phase over and
// over, stopping mid-object at the deadline: bytes are counted exactly over
// the same window for every client.
PhaseResult GetLarge(const Server& server, const std::string& bucket, int clients, int objects, double seconds) {
  return RunClients(server, clients, seconds, [&](int c, Connection& connection, Clock::time_point deadline,
                                                  ClientTally& tally) {
    std::vector<char> buffer(kChunk);
    const std::string path = ObjectPath(bucket, "large", c % objects);
    while (Clock::now() < deadline) {
      tally.bytes += connection.Get(path, buffer.data(), buffer.size(), deadline);
      ++tally.requests;
    }
  });
}

// Small objects: each client puts new keys of `size` until the deadline;
// `written[c]` says how many, for the reads that follow.
PhaseResult PutSmall(const Server& server, const std::string& bucket, int clients, uint64_t size, double seconds,
                     std::vector<int64_t>* written) {
  written->assign(clients, 0);
  return RunClients(server, clients, seconds, [&](int c, Connection& connection, Clock::time_point deadline,
                                                  ClientTally& tally) {
    Generator generator(2000 + c);
    int64_t n = 0;
    do {
      connection.Put(ObjectPath(bucket, "small", c, n++), size, generator);
      tally.bytes += size;
      ++tally.requests;
    } while (Clock::now() < deadline);
    (*written)[c] = n;
  });
}

// Each client reads its own small objects in random order until the deadline.
PhaseResult GetSmall(const Server& server, const std::string& bucket, int clients, double seconds,
                     const std::vector<int64_t>& written) {
  return RunClients(server, clients, seconds, [&](int c, Connection& connection, Clock::time_point deadline,
                                                  ClientTally& tally) {
    std::vector<char> buffer(64 * 1024);
    std::mt19937_64 random(3000 + c);
    const Clock::time_point never = Clock::time_point::max();
    do {
      const int64_t n = static_cast<int64_t>(random() % static_cast<uint64_t>(written[c]));
      tally.bytes += connection.Get(ObjectPath(bucket, "small", c, n), buffer.data(), buffer.size(), never);
      ++tally.requests;
    } while (Clock::now() < deadline);
  });
}

// ---------------------------------------------------------------- process memory

// A field of /proc/PID/status in bytes ("VmHWM", "VmRSS"); 0 when unreadable.
uint64_t ProcStatusBytes(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::strtoull(line.c_str() + field.size() + 1, nullptr, 10) * 1024;
  }
  return 0;
}

// The process and its children (nginx's master and workers).
std::vector<pid_t> ProcessTree(pid_t root) {
  std::vector<pid_t> pids = {root};
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    const size_t close = stat.rfind(')');  // the command name may hold spaces
    if (close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string state;
    pid_t parent = 0;
    fields >> state >> parent;
    if (parent == root) pids.push_back(static_cast<pid_t>(std::stoi(name)));
  }
  return pids;
}

// Resets the peak resident size (VmHWM) of every process to its current RSS;
// false when the kernel refused.
bool ResetPeak(const std::vector<pid_t>& pids) {
  bool ok = true;
  for (pid_t pid : pids) {
    std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
    out << "5";
    out.flush();
    ok = ok && out.good();
  }
  return ok;
}

uint64_t SumOf(const std::vector<pid_t>& pids, const std::string& field) {
  uint64_t total = 0;
  for (pid_t pid : pids) total += ProcStatusBytes(pid, field);
  return total;
}

struct PeakMemory {
  uint64_t before = 0;  // resident before the uploads
  uint64_t peak = 0;    // VmHWM after them (or the largest RSS sampled, if it could not be reset)
  bool reset = false;
  double seconds = 0;
};

// `clients` concurrent uploads of `size` each, while the server's peak
// resident memory is watched.
PeakMemory MeasurePeak(const Server& server, const std::string& bucket, int clients, uint64_t size) {
  const std::vector<pid_t> pids = ProcessTree(server.pid);
  PeakMemory m;
  m.before = SumOf(pids, "VmRSS");
  m.reset = ResetPeak(pids);
  std::atomic<bool> done{false};
  uint64_t sampled = m.before;
  std::thread sampler([&] {
    while (!done.load()) {
      sampled = std::max(sampled, SumOf(pids, "VmRSS"));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  const PhaseResult uploads = PutLarge(server, bucket, clients, size, 0, "peak");
  done = true;
  sampler.join();
  m.seconds = uploads.seconds;
  m.peak = m.reset ? std::max(SumOf(pids, "VmHWM"), sampled) : sampled;
  return m;
}

// ---------------------------------------------------------------- the report

std::string GB(double gbps) { return Format("%.2f GB/s", gbps); }
std::string PerSecond(double rate) { return Format("%.0f req/s", rate); }
std::string Times(double ratio) { return Format(ratio < 0.1 ? "%.3fx" : "%.2fx", ratio); }
std::string MiB(uint64_t bytes) { return Format("%.1f MiB", static_cast<double>(bytes) / kMiB); }
std::string Percent(double fraction) { return Format("%.1f%%", fraction * 100); }
std::string YesNo(bool meets) { return meets ? "yes" : "NO"; }

// The largest deviation of a client's throughput from the mean, as a fraction
// of the mean; `spread` gets "min..max GB/s".
double MaxDeviation(const PhaseResult& r, std::string* spread) {
  std::vector<double> rates;
  for (const ClientTally& c : r.clients) rates.push_back(static_cast<double>(c.bytes) / r.seconds / 1e9);
  double mean = 0;
  for (double x : rates) mean += x / static_cast<double>(rates.size());
  double worst = 0;
  for (double x : rates) worst = std::max(worst, std::fabs(x - mean) / mean);
  const auto [low, high] = std::minmax_element(rates.begin(), rates.end());
  *spread = Format("%.2f", *low) + ".." + Format("%.2f GB/s", *high);
  return worst;
}

struct Options {
  Server strata, nginx;
  std::string nginx_root;  // nginx's document root, to remove the peak uploads
  std::string bucket = "bench";
  uint64_t size = 64 * kMiB;
  uint64_t small_size = 4096;
  std::vector<int> clients = {1, 4, 16};
  int small_clients = 16;
  double seconds = 3;
  int fairness_clients = 5;
  double fairness_seconds = 5;
  int peak_clients = 16;
  uint64_t peak_size = 0;   // 0: 1 GiB if the estimate fits in peak_budget, else 256 MiB
  double peak_budget = 60;  // seconds allowed for both servers' peak uploads
};

int Run(Options& options) {
  Server& strata = options.strata;
  Server& nginx = options.nginx;
  const std::string& bucket = options.bucket;
  std::printf("S3 gateway against nginx, same disk, same client (Boost.Beast, HTTP/1.1 keep-alive, one connection\n"
              "per client thread); Strata: 6 drive directories, %d+%d; requests signed with SigV4, PUT bodies\n"
              "UNSIGNED-PAYLOAD. nginx: WebDAV PUT, sendfile, no fsync. 1 GB = 1e9 bytes.\n",
              kDataUnits, kParityUnits);
  std::printf("large objects %s, small %s; each figure from one run of %.0f s (at least one request per client);\n"
              "GETs read objects just written (page cache warm for both servers); sync between runs.\n\n",
              FormatByteSize(options.size).c_str(), FormatByteSize(options.small_size).c_str(), options.seconds);
  std::fflush(stdout);

  Connection(strata).Simple(beast::http::verb::put, "/" + bucket);

  Table table({"measurement", "Strata", "nginx baseline", "ratio", "goal", "meets goal"});
  const double put_share = static_cast<double>(kDataUnits) / (kDataUnits + kParityUnits);
  const std::string size_label = FormatByteSize(options.size);

  // Large PUTs first: they leave the objects the GETs read.
  int most_clients = 1;
  double strata_put_most = 0, nginx_put_most = 0;
  std::vector<std::vector<std::string>> put_rows, get_rows;
  for (int clients : options.clients) {
    Progress("PUT " + size_label + ", " + std::to_string(clients) + " client(s)");
    const double s = PutLarge(strata, bucket, clients, options.size, options.seconds).Gbps();
    ::sync();
    const double n = PutLarge(nginx, bucket, clients, options.size, options.seconds).Gbps();
    ::sync();
    const double baseline = n * put_share;
    put_rows.push_back({"PUT " + size_label + ", " + std::to_string(clients) + " client(s)", GB(s),
                        Format("%.2f", n) + " x 4/6 = " + GB(baseline), Times(s / baseline),
                        Format(">= %.2fx", kPutGoal), YesNo(s >= kPutGoal * baseline)});
    if (clients >= most_clients) {
      most_clients = clients;
      strata_put_most = s;
      nginx_put_most = n;
    }
  }
  for (int clients : options.clients) {
    Progress("GET " + size_label + ", " + std::to_string(clients) + " client(s)");
    const double s = GetLarge(strata, bucket, clients, most_clients, options.seconds).Gbps();
    const double n = GetLarge(nginx, bucket, clients, most_clients, options.seconds).Gbps();
    get_rows.push_back({"GET " + size_label + ", " + std::to_string(clients) + " client(s)", GB(s), GB(n),
                        Times(s / n), Format(">= %.2fx", kGetGoal), YesNo(s >= kGetGoal * n)});
  }
  for (auto& row : get_rows) table.Add(row);
  for (auto& row : put_rows) table.Add(row);

  // Small objects.
  const std::string small_label = FormatByteSize(options.small_size) + ", " + std::to_string(options.small_clients) +
                                  " clients";
  Progress("PUT and GET " + small_label);
  std::vector<int64_t> strata_written, nginx_written;
  const double strata_small_put =
      PutSmall(strata, bucket, options.small_clients, options.small_size, options.seconds, &strata_written).PerSecond();
  ::sync();
  const double nginx_small_put =
      PutSmall(nginx, bucket, options.small_clients, options.small_size, options.seconds, &nginx_written).PerSecond();
  ::sync();
  const double strata_small_get = GetSmall(strata, bucket, options.small_clients, options.seconds, strata_written).PerSecond();
  const double nginx_small_get = GetSmall(nginx, bucket, options.small_clients, options.seconds, nginx_written).PerSecond();
  table.Add({"GET " + small_label, PerSecond(strata_small_get), PerSecond(nginx_small_get),
             Times(strata_small_get / nginx_small_get), "-", "-"});
  table.Add({"PUT " + small_label + " (Strata durable, nginx not)", PerSecond(strata_small_put),
             PerSecond(nginx_small_put), Times(strata_small_put / nginx_small_put), "-", "-"});

  // Fairness: clients reading their own large objects at once.
  const int fair = std::min(options.fairness_clients, most_clients);
  Progress("fairness: " + std::to_string(fair) + " clients reading for " + Format("%.0f s", options.fairness_seconds));
  std::string strata_spread, nginx_spread;
  const double strata_dev =
      MaxDeviation(GetLarge(strata, bucket, fair, most_clients, options.fairness_seconds), &strata_spread);
  const double nginx_dev =
      MaxDeviation(GetLarge(nginx, bucket, fair, most_clients, options.fairness_seconds), &nginx_spread);
  table.Add({"fairness: max deviation from the mean, " + std::to_string(fair) + " clients GET",
             Percent(strata_dev) + " (" + strata_spread + ")", Percent(nginx_dev) + " (" + nginx_spread + ")", "-",
             "<= " + Percent(kFairnessGoal), YesNo(strata_dev <= kFairnessGoal)});

  // Peak memory during concurrent large uploads. 1 GiB each unless the
  // uploads measured above say that would not fit the time budget.
  uint64_t peak_size = options.peak_size;
  std::string peak_note;
  if (peak_size == 0) {
    const double total = static_cast<double>(options.peak_clients) * static_cast<double>(kGiB);
    const double estimate = total / (strata_put_most * 1e9) + total / (nginx_put_most * 1e9);
    peak_size = estimate <= options.peak_budget ? kGiB : 256 * kMiB;
    if (peak_size != kGiB) {
      peak_note = Format("%.0f s", estimate) + " estimated for " + std::to_string(options.peak_clients) +
                  " x 1 GiB on both servers, over the " + Format("%.0f s", options.peak_budget) +
                  " budget: uploads of 256 MiB instead";
    }
  }
  const std::string peak_label = std::to_string(options.peak_clients) + " x " + FormatByteSize(peak_size);
  Progress("peak memory: " + peak_label + " concurrent uploads" + (peak_note.empty() ? "" : " (" + peak_note + ")"));
  const PeakMemory strata_peak = MeasurePeak(strata, bucket, options.peak_clients, peak_size);
  ::sync();
  const PeakMemory nginx_peak = MeasurePeak(nginx, bucket, options.peak_clients, peak_size);
  for (int c = 0; c < options.peak_clients; ++c) {
    Connection(strata).Simple(beast::http::verb::delete_, ObjectPath(bucket, "peak", c));
  }
  std::error_code ignored;
  std::filesystem::remove_all(options.nginx_root + "/" + bucket + "/peak", ignored);
  table.Add({"peak RSS (VmHWM), " + peak_label + " concurrent PUTs", MiB(strata_peak.peak),
             MiB(nginx_peak.peak) + " (master + workers)",
             Times(static_cast<double>(strata_peak.peak) / static_cast<double>(nginx_peak.peak)), "-", "-"});

  std::printf("\n");
  table.Print();
  std::printf("\nPUT baseline: nginx x %d/%d, since %d+%d writes %d/%d of the data to the same disk; Strata's PUT is\n"
              "durable when answered (fsync), nginx's is not.\n",
              kDataUnits, kDataUnits + kParityUnits, kDataUnits, kParityUnits, kDataUnits + kParityUnits, kDataUnits);
  std::printf("fairness: per-client GB/s over the same %.0f s window, each reading its own object.\n",
              options.fairness_seconds);
  std::printf("peak RSS: resident before the uploads: Strata %s, nginx %s; %s; uploads took %.1f s (Strata), "
              "%.1f s (nginx), streamed from a generator.\n",
              MiB(strata_peak.before).c_str(), MiB(nginx_peak.before).c_str(),
              strata_peak.reset ? "VmHWM reset before (clear_refs)" : "VmHWM could not be reset: largest VmRSS sampled",
              strata_peak.seconds, nginx_peak.seconds);
  if (!peak_note.empty()) std::printf("peak RSS: %s.\n", peak_note.c_str());
  return 0;
}

// "127.0.0.1:9000" -> host and port.
void ParseHostPort(const std::string& text, Server* server) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) Die("'" + text + "' is not HOST:PORT");
  server->host = text.substr(0, colon);
  server->port = static_cast<uint16_t>(std::atoi(text.c_str() + colon + 1));
}

uint64_t ByteSizeOption(const std::string& name, const std::string& value) {
  auto parsed = ParseByteSize(value);
  if (!parsed.ok() || *parsed == 0) Die(name + ": a byte size like 64MiB, not '" + value + "'");
  return *parsed;
}

}  // namespace
}  // namespace strata::bench

int main(int argc, char** argv) {
  using namespace strata::bench;
  Options options;
  options.strata.name = "Strata";
  options.strata.sign = true;
  options.nginx.name = "nginx";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&] { return NextArgument(argc, argv, i); };
    if (arg == "--strata") {
      ParseHostPort(value(), &options.strata);
    } else if (arg == "--access-key") {
      options.strata.credentials.access_key = value();
    } else if (arg == "--secret-key") {
      options.strata.credentials.secret_key = value();
    } else if (arg == "--strata-pid") {
      options.strata.pid = std::atoi(value().c_str());
    } else if (arg == "--nginx") {
      ParseHostPort(value(), &options.nginx);
    } else if (arg == "--nginx-pid") {
      options.nginx.pid = std::atoi(value().c_str());
    } else if (arg == "--nginx-root") {
      options.nginx_root = value();
    } else if (arg == "--size") {
      options.size = ByteSizeOption(arg, value());
    } else if (arg == "--small-size") {
      options.small_size = ByteSizeOption(arg, value());
    } else if (arg == "--clients") {
      options.clients.clear();
      std::stringstream list(value());
      for (std::string item; std::getline(list, item, ',');) options.clients.push_back(std::max(1, std::atoi(item.c_str())));
    } else if (arg == "--seconds") {
      options.seconds = std::atof(value().c_str());
    } else if (arg == "--fairness-seconds") {
      options.fairness_seconds = std::atof(value().c_str());
    } else if (arg == "--peak-size") {
      const std::string v = value();
      options.peak_size = v == "auto" ? 0 : ByteSizeOption(arg, v);
    } else if (arg == "--peak-budget") {
      options.peak_budget = std::atof(value().c_str());
    } else if (arg == "--help" || arg == "-h") {
      std::printf(
          "usage: strata_s3_bench --strata HOST:PORT --access-key K --secret-key S --strata-pid PID\n"
          "                       --nginx HOST:PORT --nginx-pid PID --nginx-root DIR\n"
          "                       [--size 64MiB] [--small-size 4KiB] [--clients 1,4,16] [--seconds 3]\n"
          "                       [--fairness-seconds 5] [--peak-size auto|SIZE] [--peak-budget 60]\n"
          "  bench/s3_bench.sh starts both servers and passes the first line.\n"
          "  --peak-size auto: 16 x 1 GiB uploads for peak memory when both servers' measured PUT speed\n"
          "                    says they take at most --peak-budget seconds, otherwise 16 x 256 MiB\n");
      return 0;
    } else {
      std::fprintf(stderr, "unknown argument '%s' (try --help)\n", arg.c_str());
      return 2;
    }
  }
  if (options.strata.port == 0 || options.nginx.port == 0 || options.strata.pid == 0 || options.nginx.pid == 0 ||
      options.strata.credentials.access_key.empty() || options.nginx_root.empty()) {
    std::fprintf(stderr, "strata_s3_bench: --strata, --access-key, --secret-key, --strata-pid, --nginx, --nginx-pid "
                         "and --nginx-root are required (bench/s3_bench.sh passes them)\n");
    return 2;
  }
  ::signal(SIGPIPE, SIG_IGN);
  return Run(options);
}
