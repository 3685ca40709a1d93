// strata serve: the S3 gateway on a store. With no store at the path it
// creates the embedded default (one node, six directory drives, 4+2) and an
// administrator; it prints the endpoint and the credentials to use. Parquet
// objects written over S3 are indexed in the background. SIGTERM or SIGINT
// shut it down gracefully.
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "strata/base/file_io.h"
#include "strata/cli/cli.h"
#include "strata/query/background_indexer.h"
#include "strata/server/http_server.h"
#include "strata/server/s3_gateway.h"

namespace strata::cli {
namespace {

constexpr char kConfigFile[] = "strata.toml";
constexpr auto kMaintenanceInterval = std::chrono::seconds(60);

struct ServeOptions {
  std::string listen;  // overrides [server] listen
  std::string tls_certificate;
  std::string tls_key;
};

// Creates the embedded default store when `root` holds none, and gives a
// store without users an administrator, so `strata serve` alone is enough.
Status PrepareStore(const GlobalOptions& options) {
  PosixFileSystem fs;
  const std::string config_path = JoinPath(options.store, kConfigFile);
  ASSIGN_OR_RETURN(bool exists, fs.Exists(config_path));
  if (!exists) {
    InitOptions init = EmbeddedDefault();
    init.config.users.push_back(NewUserConfig("admin"));
    RETURN_IF_ERROR(ObjectStore::Init(options.store, init));
    if (!options.quiet) {
      std::cout << "created store " << options.store << " (tiers hot 2+1 and capacity 4+2 on 9 drives)\n";
    }
    return Status::OK();
  }
  ASSIGN_OR_RETURN(StoreConfig config, LoadConfig(config_path));
  if (!config.users.empty()) return Status::OK();
  config.users.push_back(NewUserConfig("admin"));
  RETURN_IF_ERROR(WriteFileAtomically(fs, config_path, RenderConfig(config)));
  if (!options.quiet) std::cout << "added user admin to " << config_path << "\n";
  return Status::OK();
}

int RunServe(const GlobalOptions& options, const ServeOptions& serve) {
  // Signals are taken by one thread with sigwait; every thread started from
  // here on inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);  // a client that goes away is an error value, not a signal

  Status prepared = PrepareStore(options);
  if (!prepared.ok()) return Fail(prepared);
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  StoreConfig config = (*store)->config();
  if (!serve.listen.empty()) config.server.listen = serve.listen;
  if (!serve.tls_certificate.empty()) config.server.tls_certificate = serve.tls_certificate;
  if (!serve.tls_key.empty()) config.server.tls_key = serve.tls_key;
  if (config.server.tls_certificate.empty() != config.server.tls_key.empty()) {
    return Fail(Status::InvalidArgument("TLS needs both a certificate and a key"));
  }
  auto address = ParseListenAddress(config.server.listen);
  if (!address.ok()) return Fail(address.status());
  spdlog::set_level(spdlog::level::from_str(config.log_level));

  server::S3Gateway gateway(**store, config);
  // Parquet objects that land over S3 get their row-group indexes built in
  // the background, one table at a time.
  query::BackgroundIndexer indexer(**store);
  gateway.set_indexer(&indexer);
  server::HttpServerOptions http_options;
  http_options.host = address->first;
  http_options.port = address->second;
  http_options.tls_certificate = config.server.tls_certificate;
  http_options.tls_key = config.server.tls_key;
  http_options.idle_timeout_seconds = config.server.idle_timeout_seconds;
  http_options.request_timeout_seconds = config.server.request_timeout_seconds;
  http_options.max_connections = config.server.max_connections;
  http_options.shutdown_grace_seconds = config.server.shutdown_grace_seconds;
  auto http = server::HttpServer::Start(http_options, gateway);
  if (!http.ok()) return Fail(http.status());

  const UserConfig& user = config.users.front();
  std::string host = address->first.find(':') != std::string::npos ? "[" + address->first + "]" : address->first;
  std::string endpoint = std::string((*http)->tls() ? "https" : "http") + "://" + host + ":" +
                         std::to_string((*http)->port());
  std::cout << "strata: serving S3 at " << endpoint << " (region " << config.server.region << ")\n"
            << "  access key: " << user.access_key << "\n"
            << "  secret key: " << user.secret_key << "\n"
            << "  try:  AWS_ACCESS_KEY_ID=" << user.access_key << " AWS_SECRET_ACCESS_KEY=" << user.secret_key
            << " aws --endpoint-url " << endpoint << " s3 ls\n"
            << std::flush;

  // Upkeep runs beside the server until shutdown.
  std::mutex mu;
  std::condition_variable stop_cv;
  bool stopping = false;
  std::thread maintenance([&] {
    std::unique_lock lock(mu);
    while (!stopping) {
      lock.unlock();
      Status upkeep = gateway.RunMaintenance();
      if (!upkeep.ok()) spdlog::warn("maintenance: {}", upkeep.ToString());
      lock.lock();
      stop_cv.wait_for(lock, kMaintenanceInterval, [&] { return stopping; });
    }
  });

  int signal_number = 0;
  sigwait(&signals, &signal_number);
  std::cout << "strata: " << (signal_number == SIGTERM ? "SIGTERM" : "SIGINT")
            << ": finishing requests in flight, then stopping\n"
            << std::flush;
  (*http)->Shutdown();
  indexer.Stop();  // finishes the table in progress; the rest waits for `strata index`
  {
    std::lock_guard lock(mu);
    stopping = true;
  }
  stop_cv.notify_all();
  maintenance.join();
  Status flushed = (*store)->FlushPacks();
  if (!flushed.ok()) return Fail(flushed);
  std::cout << "strata: stopped\n";
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto serve = std::make_shared<ServeOptions>();
  auto* command = app.add_subcommand("serve", "Serve the store over S3 (creates the default store if there is none)");
  command->add_option("--listen", serve->listen, "host:port to listen on (default: [server] listen, 127.0.0.1:9000)");
  command->add_option("--tls-cert", serve->tls_certificate, "PEM certificate chain for HTTPS");
  command->add_option("--tls-key", serve->tls_key, "PEM private key for HTTPS");
  command->callback([&options, &exit_code, serve] { exit_code = RunServe(options, *serve); });
}

}  // namespace strata::cli
