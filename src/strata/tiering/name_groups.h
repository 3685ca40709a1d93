// Name groups: datasets whose names share parts of their path (the same
// production folder, the same kind of run, the same campaign). A dataset's group says much about its future: campaigns
// read whole families at once. These features describe how active each
// group of a dataset was up to a week, not counting the dataset itself.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "strata/tiering/access_history.h"

namespace strata::tiering {

// The group keys of a name: its production (the name without its last two
// components), its series (first component and the last but one: the same
// kind of run in any production) and its campaign (the first three
// components). "/MC/2012/Beam4000GeV/Sim08a/12345/ALL.DST" ->
// "/MC/2012/Beam4000GeV/Sim08a", "/MC|12345", "/MC/2012/Beam4000GeV".
std::vector<std::string> NameGroupKeys(std::string_view name);

struct NameGroupFeatures {
  std::vector<std::string> columns;
  std::vector<float> values;  // datasets x columns, row-major
};

// For every dataset and group kind, over the other datasets of the group
// seen by end_week: the share accessed in the last 4 and 13 weeks (-1 for a
// dataset alone in its group) and the weeks since any of them was accessed
// (lookback when none was within the lookback, lookback + 1 when alone).
NameGroupFeatures ComputeNameGroupFeatures(const AccessHistory& history, int end_week, int lookback);

}  // namespace strata::tiering
