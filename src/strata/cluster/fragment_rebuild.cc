// Level-1 repair: a node that lost more of a fragment than its own code covers
// gets the whole fragment rewritten from the other nodes' units.
#include <array>

#include "strata/cluster/cluster.h"

namespace strata {

Result<std::vector<std::string>> Cluster::RebuildFragment(const BlobRecord& blob, int position,
                                                          const std::vector<std::string>& drive_ids) {
  const CodeSpec& code = blob.layout.level1;
  if (code.m == 0) {
    return Status::DataLoss("blob " + blob.blob_id + ": level-1 code " + code.ToString() +
                            " has no parity to rebuild node position " + std::to_string(position) + " from");
  }
  NodeClient* target = Node(blob.placement.nodes[position].node_id);
  if (target == nullptr) return Status::Unavailable("node " + blob.placement.nodes[position].node_id + " is not in the cluster");
  ASSIGN_OR_RETURN(auto codec, ReedSolomon::Create(code.k, code.m));
  const StripeGeometry geometry{blob.size, blob.layout.unit_size, code};

  FragmentRef ref = Fragment(blob, position);
  ref.drive_ids = drive_ids;
  ASSIGN_OR_RETURN(auto writer, target->WriteFragment(ref));

  std::vector<std::unique_ptr<FragmentReader>> readers(code.width());
  std::vector<std::string> unreadable(code.width());
  std::vector<std::vector<std::byte>> units(code.width());
  for (uint64_t stripe = 0; stripe < geometry.stripe_count(); ++stripe) {
    const uint32_t wanted = geometry.PositionLength(stripe, position);
    if (wanted == 0) continue;  // virtual: nothing stored at this position
    const uint32_t length = geometry.StripeUnitLength(stripe);
    std::array<bool, 32> present{};  // k+m <= 32
    int have = 0;
    for (int q = 0; q < code.width() && have < code.k; ++q) {
      units[q].assign(length, std::byte{0});
      if (q == position) continue;
      const uint32_t stored = geometry.PositionLength(stripe, q);
      if (stored == 0) {
        present[q] = true;
        ++have;
        continue;
      }
      if (!unreadable[q].empty()) continue;
      if (!readers[q]) {
        NodeClient* node = Node(blob.placement.nodes[q].node_id);
        auto reader = node ? node->ReadFragment(Fragment(blob, q))
                           : Result<std::unique_ptr<FragmentReader>>(Status::Unavailable("node not in the cluster"));
        if (!reader.ok()) {
          unreadable[q] = reader.status().message();
          continue;
        }
        readers[q] = std::move(reader).value();
      }
      Status st = readers[q]->ReadUnits(stripe, 1, std::span(units[q].data(), stored));
      if (st.ok()) {
        present[q] = true;
        ++have;
      } else {
        unreadable[q] = st.message();
      }
    }
    for (int q = 0; q < code.width(); ++q) units[q].resize(length);
    if (have < code.k) {
      std::string why;
      for (int q = 0; q < code.width(); ++q) {
        if (!unreadable[q].empty()) why += "; node position " + std::to_string(q) + ": " + unreadable[q];
      }
      return Status::DataLoss("blob " + blob.blob_id + " stripe " + std::to_string(stripe) +
                              ": too few nodes can serve their units to rebuild position " +
                              std::to_string(position) + why);
    }
    std::vector<uint8_t*> pointers(code.width());
    for (int q = 0; q < code.width(); ++q) pointers[q] = reinterpret_cast<uint8_t*>(units[q].data());
    RETURN_IF_ERROR(codec->Reconstruct(length, pointers, std::span(present.data(), pointers.size())));
    RETURN_IF_ERROR(writer->AppendUnit(std::span(units[position].data(), wanted)));
  }
  return writer->Commit();
}

}  // namespace strata
