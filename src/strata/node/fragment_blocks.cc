#include "strata/node/fragment_blocks.h"

#include <array>
#include <cstring>

namespace strata {

FragmentBlocks::FragmentBlocks(LocalNode* node, FragmentRef ref, std::shared_ptr<const ReedSolomon> codec)
    : node_(node), ref_(std::move(ref)), codec_(std::move(codec)) {
  geometry_.total_bytes = ref_.fragment_bytes;
  geometry_.unit_size = ref_.unit_size;
  geometry_.code = ref_.code;
}

void FragmentBlocks::RecordDamage(int position, const Status& why) {
  if (damage_.count(position)) return;
  BlockDamage d;
  d.level2_position = position;
  d.drive_id = position < static_cast<int>(ref_.drive_ids.size()) ? ref_.drive_ids[position] : "";
  d.reason = why.message();
  damage_[position] = std::move(d);
}

std::vector<BlockDamage> FragmentBlocks::damage() const {
  std::vector<BlockDamage> out;
  for (const auto& [position, d] : damage_) out.push_back(d);
  return out;
}

Result<BlockReader*> FragmentBlocks::Reader(int position) {
  if (auto it = readers_.find(position); it != readers_.end()) return it->second.get();
  if (auto it = unusable_.find(position); it != unusable_.end()) return it->second;

  const BlockName name = ref_.Block(position);
  Status failure;
  const std::string& drive_id = ref_.drive_ids[position];
  if (drive_id.empty()) {
    failure = Status::NotFound("block " + name.FileName() + " was never written (drive failed during the write)");
  } else {
    std::string why;
    std::shared_ptr<Drive> drive = node_->UpDrive(drive_id, &why);
    if (!drive) {
      failure = Status::Unavailable("drive " + drive_id + " is down: " + why);
    } else {
      auto reader = drive->OpenBlock(name);
      if (reader.ok()) {
        failure = CheckShape(**reader, position);
        if (failure.ok()) return (readers_[position] = std::move(reader).value()).get();
      } else {
        failure = reader.status();
        if (failure.code() == StatusCode::kIOError) node_->NoteFailure(drive_id, failure);
      }
    }
  }
  unusable_[position] = failure;
  RecordDamage(position, failure);
  return failure;
}

Status FragmentBlocks::CheckBlockShape(int position) { return Reader(position).status(); }

Status FragmentBlocks::CheckShape(const BlockReader& reader, int position) const {
  const uint64_t want_units = geometry_.PositionUnitCount(position);
  const uint64_t want_bytes = geometry_.PositionBytes(position);
  if (reader.unit_count() != want_units || reader.data_bytes() != want_bytes ||
      reader.header().unit_size != ref_.unit_size) {
    return Status::Corruption("block " + ref_.Block(position).FileName() + " holds " +
                              std::to_string(reader.unit_count()) + " units (" +
                              std::to_string(reader.data_bytes()) + " bytes), expected " +
                              std::to_string(want_units) + " (" + std::to_string(want_bytes) + " bytes)");
  }
  return Status::OK();
}

Status FragmentBlocks::ReadStored(uint64_t stripe, int position, std::span<std::byte> out) {
  auto reader = Reader(position);
  if (!reader.ok()) return reader.status();
  Status st = (*reader)->ReadUnit(stripe, out);
  if (!st.ok()) {
    RecordDamage(position, st);
    if (st.code() == StatusCode::kIOError) node_->NoteFailure(ref_.drive_ids[position], st);
  }
  return st;
}

Status FragmentBlocks::ReadStoredRange(uint64_t stripe, int position, uint64_t offset, std::span<std::byte> out) {
  auto reader = Reader(position);
  if (!reader.ok()) return reader.status();
  Status st = (*reader)->ReadUnitRange(stripe, offset, out);
  if (!st.ok() && st.code() == StatusCode::kIOError) {
    RecordDamage(position, st);
    node_->NoteFailure(ref_.drive_ids[position], st);
  }
  return st;
}

Status FragmentBlocks::ReadDataUnit(uint64_t unit, std::vector<std::byte>* out, uint64_t* bytes_read) {
  if (unit >= geometry_.data_unit_count()) {
    return Status::InvalidArgument("blob " + ref_.blob_id + " fragment " + std::to_string(ref_.level1_position) +
                                   ": unit " + std::to_string(unit) + " is past the fragment's " +
                                   std::to_string(geometry_.data_unit_count()) + " units");
  }
  const int k = ref_.code.k;
  const uint64_t stripe = unit / k;
  const int position = static_cast<int>(unit % k);
  const uint32_t length = geometry_.DataUnitLength(unit);
  out->resize(length);
  if (ReadStored(stripe, position, *out).ok()) {
    *bytes_read += length;
    return Status::OK();
  }
  RETURN_IF_ERROR(ReadStripe(stripe, {position}, rebuilt_));
  *bytes_read += static_cast<uint64_t>(length) * k;
  std::memcpy(out->data(), rebuilt_[position].data(), length);
  return Status::OK();
}

Status FragmentBlocks::ReadStripe(uint64_t stripe, const std::set<int>& exclude,
                                  std::vector<std::vector<std::byte>>& units) {
  const int width = ref_.code.width();
  const uint32_t length = geometry_.StripeUnitLength(stripe);
  units.resize(width);
  std::array<bool, 32> present{};  // k+m <= 32
  int have = 0;
  std::string lost;
  for (int p = 0; p < width; ++p) {
    const uint32_t stored = geometry_.PositionLength(stripe, p);
    // Only the padding past the stored bytes needs zeros; the rest is read or rebuilt.
    units[p].resize(length);
    if (stored < length) std::memset(units[p].data() + stored, 0, length - stored);
    if (stored == 0) {  // virtual unit past the end: zeros by definition
      present[p] = true;
      ++have;
      continue;
    }
    if (exclude.count(p)) continue;
    // Only read as many as the code needs; stop once k are present.
    if (have >= ref_.code.k) continue;
    Status st = ReadStored(stripe, p, std::span(units[p].data(), stored));
    if (st.ok()) {
      present[p] = true;
      ++have;
    } else {
      lost += (lost.empty() ? "" : "; ") + st.message();
    }
  }
  if (have >= width) return Status::OK();
  std::vector<uint8_t*> pointers(width);
  for (int p = 0; p < width; ++p) pointers[p] = reinterpret_cast<uint8_t*>(units[p].data());
  if (have < ref_.code.k) {
    return Status::DataLoss("blob " + ref_.blob_id + " fragment " + std::to_string(ref_.level1_position) +
                            " stripe " + std::to_string(stripe) + ": only " + std::to_string(have) + " of " +
                            std::to_string(width) + " units readable, " + std::to_string(ref_.code.k) +
                            " needed (" + lost + ")");
  }
  // A rebuilt short unit comes back zero padded: the padding was encoded as zeros.
  return codec_->Reconstruct(length, pointers, std::span(present.data(), pointers.size()));
}

}  // namespace strata
