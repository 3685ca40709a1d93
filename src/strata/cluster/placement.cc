#include "strata/cluster/placement.h"

#include <algorithm>

namespace strata {
namespace {

uint64_t Fnv1a(uint64_t hash, std::string_view text) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser: spreads FNV's weak low bits
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

// Up members in rank order, then down members in rank order.
std::vector<std::string> PreferUp(std::string_view blob_id, const std::vector<std::string>& up,
                                  const std::vector<std::string>& down) {
  std::vector<std::string> out = RankByRendezvous(blob_id, up);
  for (std::string& d : RankByRendezvous(blob_id, down)) out.push_back(std::move(d));
  return out;
}

}  // namespace

uint64_t RendezvousScore(std::string_view blob_id, std::string_view member_id) {
  uint64_t h = Fnv1a(14695981039346656037ull, blob_id);
  h = Fnv1a(h, "/");
  h = Fnv1a(h, member_id);
  return Mix(h);
}

std::vector<std::string> RankByRendezvous(std::string_view blob_id, std::vector<std::string> members) {
  std::vector<std::pair<uint64_t, std::string>> scored;
  scored.reserve(members.size());
  for (std::string& m : members) scored.emplace_back(RendezvousScore(blob_id, m), std::move(m));
  std::sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::vector<std::string> out;
  out.reserve(scored.size());
  for (auto& [score, m] : scored) out.push_back(std::move(m));
  return out;
}

Result<Placement> PlaceBlob(std::string_view blob_id, const Layout& layout,
                            const std::vector<PlacementNode>& nodes) {
  const int node_width = layout.level1.width();
  const int drive_width = layout.level2.width();
  std::vector<std::string> usable_nodes, failing_nodes;
  std::string too_small;
  for (const PlacementNode& node : nodes) {
    const int drives = static_cast<int>(node.up_drives.size() + node.down_drives.size());
    if (drives < drive_width) {  // too small to hold a level-2 stripe
      too_small += (too_small.empty() ? " (" : ", ") + std::string("node ") + node.node_id.substr(0, 8) + " has " +
                   std::to_string(drives);
      continue;
    }
    (node.up_drives.empty() ? failing_nodes : usable_nodes).push_back(node.node_id);
  }
  if (static_cast<int>(usable_nodes.size() + failing_nodes.size()) < node_width) {
    return Status::FailedPrecondition(
        "too few drives for the code: " + layout.level1.ToString() + " over " + layout.level2.ToString() + " needs " +
        std::to_string(node_width) + " node(s) with " + std::to_string(drive_width) + " drives in service each" +
        (too_small.empty() ? "" : too_small + ")"));
  }
  std::vector<std::string> chosen = PreferUp(blob_id, usable_nodes, failing_nodes);
  chosen.resize(node_width);

  Placement placement;
  for (const std::string& node_id : chosen) {
    const PlacementNode& node = *std::find_if(nodes.begin(), nodes.end(),
                                              [&](const PlacementNode& n) { return n.node_id == node_id; });
    NodePlacement np;
    np.node_id = node_id;
    np.drive_ids = PreferUp(blob_id, node.up_drives, node.down_drives);
    np.drive_ids.resize(drive_width);
    placement.nodes.push_back(std::move(np));
  }
  return placement;
}

}  // namespace strata
