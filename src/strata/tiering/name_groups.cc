#include "strata/tiering/name_groups.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace strata::tiering {
namespace {

constexpr const char* kGroupKinds[] = {"production", "series", "campaign"};
constexpr int kShareWindows[] = {4, 13};

// The prefix of `name` up to (not including) its n-th '/' after the first
// character; the whole name when it has fewer.
std::string_view FirstComponents(std::string_view name, int n) {
  size_t position = 0;
  for (int i = 0; i < n; ++i) {
    position = name.find('/', position + 1);
    if (position == std::string_view::npos) return name;
  }
  return name.substr(0, position);
}

// The name without its last `n` components ("" when it has no more).
std::string_view DropLast(std::string_view name, int n) {
  for (int i = 0; i < n; ++i) {
    const size_t slash = name.rfind('/');
    if (slash == std::string_view::npos) return {};
    name = name.substr(0, slash);
  }
  return name;
}

// The last component but one, or "" for names with fewer.
std::string_view SecondToLast(std::string_view name) {
  const std::string_view parent = DropLast(name, 1);
  const size_t slash = parent.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : parent.substr(slash + 1);
}

// What one dataset contributes to its groups at the window's end.
struct Activity {
  bool seen = false;
  bool active[std::size(kShareWindows)] = {};
  int recency = 0;  // weeks since its last access in the window; lookback when none
};

struct GroupTotals {
  double seen = 0;
  double active[std::size(kShareWindows)] = {};
  // The two smallest recencies of seen members, to leave one member out.
  int best = 0;
  int second = 0;
  bool initialized = false;
};

}  // namespace

std::vector<std::string> NameGroupKeys(std::string_view name) {
  const std::string_view top = FirstComponents(name, 1);
  return {std::string(DropLast(name, 2)), std::string(top) + "|" + std::string(SecondToLast(name)),
          std::string(FirstComponents(name, 3))};
}

NameGroupFeatures ComputeNameGroupFeatures(const AccessHistory& history, int end_week, int lookback) {
  const size_t n = history.datasets();
  const int begin = std::max(0, end_week - lookback);
  std::vector<Activity> activity(n);
  for (size_t d = 0; d < n; ++d) {
    const float* counts = history.Row(d).data();
    Activity& a = activity[d];
    a.seen = std::any_of(counts, counts + end_week, [](float c) { return c > 0; });
    a.recency = lookback;
    for (int week = end_week - 1; week >= begin; --week) {
      if (counts[week] > 0) {
        a.recency = end_week - 1 - week;
        break;
      }
    }
    for (size_t w = 0; w < std::size(kShareWindows); ++w) a.active[w] = a.recency < kShareWindows[w];
  }

  NameGroupFeatures out;
  for (const char* kind : kGroupKinds) {
    const std::string prefix = std::string("group_") + kind + "_";
    for (int w : kShareWindows) out.columns.push_back(prefix + "share_active_" + std::to_string(w));
    out.columns.push_back(prefix + "weeks_since_last");
  }
  const size_t per_kind = out.columns.size() / std::size(kGroupKinds);
  out.values.assign(n * out.columns.size(), 0.0f);

  std::vector<std::vector<std::string>> keys(n);
  for (size_t d = 0; d < n; ++d) keys[d] = NameGroupKeys(history.names[d]);
  for (size_t kind = 0; kind < std::size(kGroupKinds); ++kind) {
    std::unordered_map<std::string_view, GroupTotals> groups;  // views into `keys`
    for (size_t d = 0; d < n; ++d) {
      GroupTotals& g = groups[keys[d][kind]];
      const Activity& a = activity[d];
      if (!a.seen) continue;
      g.seen += 1;
      for (size_t w = 0; w < std::size(kShareWindows); ++w) g.active[w] += a.active[w];
      if (!g.initialized) {
        g.best = a.recency;
        g.second = lookback + 1;
        g.initialized = true;
      } else if (a.recency < g.best) {
        g.second = g.best;
        g.best = a.recency;
      } else if (a.recency < g.second) {
        g.second = a.recency;
      }
    }
    for (size_t d = 0; d < n; ++d) {
      const GroupTotals& g = groups[keys[d][kind]];
      const Activity& a = activity[d];
      const double self = a.seen ? 1.0 : 0.0;
      const double others = g.seen - self;
      float* out_row = out.values.data() + d * out.columns.size() + kind * per_kind;
      for (size_t w = 0; w < std::size(kShareWindows); ++w) {
        const double active_others = g.active[w] - (a.seen && a.active[w] ? 1.0 : 0.0);
        *out_row++ = others > 0 ? static_cast<float>(active_others / others) : -1.0f;
      }
      int recency = lookback + 1;
      if (g.initialized) recency = (a.seen && a.recency == g.best) ? g.second : g.best;
      *out_row++ = static_cast<float>(others > 0 ? recency : lookback + 1);
    }
  }
  return out;
}

}  // namespace strata::tiering
