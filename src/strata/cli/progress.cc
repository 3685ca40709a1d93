#include "strata/cli/progress.h"

#include <unistd.h>

#include <cstdio>

#include "strata/base/byte_size.h"

namespace strata::cli {

ProgressBar::ProgressBar(std::string label, uint64_t total, bool bytes, bool quiet)
    : label_(std::move(label)),
      total_(total),
      bytes_(bytes),
      enabled_(!quiet && ::isatty(STDERR_FILENO)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(uint64_t done) {
  done_ = done;
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  Draw(false);
}

void ProgressBar::Finish() {
  if (finished_) return;
  finished_ = true;
  if (enabled_) Draw(true);
}

void ProgressBar::Draw(bool final) {
  constexpr int kWidth = 30;
  const double fraction = total_ == 0 ? 1.0 : std::min(1.0, static_cast<double>(done_) / static_cast<double>(total_));
  const int filled = static_cast<int>(fraction * kWidth);
  std::string bar(filled, '=');
  if (filled < kWidth) bar += '>' + std::string(kWidth - filled - 1, ' ');
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string amount;
  if (bytes_) {
    amount = FormatByteSize(done_) + " / " + FormatByteSize(total_);
    if (seconds > 0.05) amount += "  " + FormatByteSize(static_cast<uint64_t>(done_ / seconds)) + "/s";
  } else {
    amount = std::to_string(done_) + " / " + std::to_string(total_);
  }
  std::fprintf(stderr, "\r%s [%s] %3d%%  %s\033[K", label_.c_str(), bar.c_str(), static_cast<int>(fraction * 100),
               amount.c_str());
  if (final) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace strata::cli
