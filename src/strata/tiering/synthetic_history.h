// Synthetic access histories with the structure real ones have: datasets
// come in productions that are born, read for a while (each member on most
// weeks of that time) and then fall quiet, with rare late reads. For tests
// and the popularity benchmark at sizes no real file has; deterministic for
// a seed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "strata/tiering/access_history.h"

namespace strata::tiering {

// `datasets` datasets over `weeks` weeks, named
// "/sim/campaign<c>/production<p>/<member>/data.h5". Every dataset is read
// at least once; when future_weeks > 0 the history also records whether each
// dataset is read in the `future_weeks` after the last week (Label, Target).
AccessHistory SyntheticHistory(size_t datasets, int weeks, uint32_t seed, int future_weeks = 0);

}  // namespace strata::tiering
