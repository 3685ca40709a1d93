// Placement by rendezvous (highest random weight) hashing: every member gets a
// score from hash(blob id, member id) and a blob goes to the highest-scoring
// members. Adding a member moves only the blobs for which the new member now
// ranks among the top; removing one moves only the blobs it held.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strata/base/status.h"
#include "strata/catalog/types.h"

namespace strata {

uint64_t RendezvousScore(std::string_view blob_id, std::string_view member_id);
// Members sorted from highest to lowest score for this blob.
std::vector<std::string> RankByRendezvous(std::string_view blob_id, std::vector<std::string> members);

// What placement needs to know of one node.
struct PlacementNode {
  std::string node_id;
  std::vector<std::string> up_drives;    // in service and healthy
  std::vector<std::string> down_drives;  // in service but failing now
};

// Chooses level1.width() nodes, then level2.width() drives on each. Healthy
// members come first in rank order; down ones fill the remaining positions
// (the write skips them while enough positions stay writable). FailedPrecondition ("too few drives for the code")
// when the topology is too small for the layout.
Result<Placement> PlaceBlob(std::string_view blob_id, const Layout& layout,
                            const std::vector<PlacementNode>& nodes);

}  // namespace strata
