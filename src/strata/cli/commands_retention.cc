// `strata retention [--at DATE] [--expire]`: the objects that [[retention]]
// rules in strata.toml have in their warning period or past expiry, and,
// with --expire, deleting the expired ones (the server does this on its
// own). --at looks ahead: what will be warned about or expired on a date.
#include <iostream>

#include <nlohmann/json.hpp>

#include "strata/base/byte_size.h"
#include "strata/base/clock.h"
#include "strata/cli/cli.h"
#include "strata/tiering/retention.h"

namespace strata::cli {
namespace {

void PrintEntries(const char* what, const std::vector<tiering::RetentionEntry>& entries) {
  for (const tiering::RetentionEntry& e : entries) {
    std::cout << what << "\t" << e.bucket << "/" << e.key << "\t" << FormatByteSize(e.size) << "\texpires "
              << FormatIso8601(e.expires_ms) << "\t(rule " << e.rule << ")\n";
  }
}

int RunRetention(const GlobalOptions& options, const std::string& at, bool expire) {
  int64_t now_ms = NowMillis();
  if (!at.empty()) {
    if (expire) return Fail(Status::InvalidArgument("--expire deletes what is expired now; it does not take --at"));
    auto day = ParseDay(at);
    if (!day.ok()) return Fail(day.status());
    now_ms = *day * kMillisPerDay;
  }
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  const std::vector<RetentionRule>& rules = (*store)->config().retention;
  auto report = tiering::ReviewRetention(**store, rules, now_ms);
  if (!report.ok()) return Fail(report.status());
  size_t deleted = 0;
  if (expire) {
    auto expired = tiering::ExpireObjects(**store, rules, report->expired, now_ms);
    if (!expired.ok()) return Fail(expired.status());
    deleted = *expired;
  }
  if (options.json) {
    nlohmann::json out = tiering::RetentionJson(*report);
    out["rules"] = rules.size();
    if (expire) out["deleted"] = deleted;
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  PrintEntries("warning", report->warnings);
  PrintEntries(expire ? "deleted" : "expired", report->expired);
  if (!options.quiet) {
    std::cerr << rules.size() << " retention rule(s): " << report->warnings.size() << " warning(s), "
              << report->expired.size() << " expired" << (expire ? ", " + std::to_string(deleted) + " deleted" : "")
              << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddRetentionCommand(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto at = std::make_shared<std::string>();
  auto expire = std::make_shared<bool>(false);
  auto* retention = app.add_subcommand(
      "retention", "Objects that [[retention]] rules warn about or have expired; --expire deletes the expired");
  retention->add_option("--at", *at, "Review as of this day (YYYY-MM-DD, UTC) instead of now");
  retention->add_flag("--expire", *expire, "Delete the expired objects");
  retention->callback([&, at, expire] { exit_code = RunRetention(options, *at, *expire); });
}

}  // namespace strata::cli
