#include "strata/node/fragment_writer.h"

#include <cstring>
#include <future>

namespace strata {

LocalFragmentWriter::LocalFragmentWriter(LocalNode* node, FragmentRef ref,
                                         std::shared_ptr<const ReedSolomon> codec)
    : node_(node), ref_(std::move(ref)), codec_(std::move(codec)) {
  const int width = ref_.code.width();
  blocks_.resize(width);
  failures_.resize(width);
  published_.resize(width, false);
  stripe_.resize(width);
  stripe_lengths_.resize(ref_.code.k);
  for (int p = 0; p < width; ++p) {
    if (ref_.drive_ids[p].empty()) failures_[p] = "no drive assigned";
  }
}

LocalFragmentWriter::~LocalFragmentWriter() {
  if (!finished_) Abort();
}

void LocalFragmentWriter::Fail(int position, const Status& why) {
  if (!failures_[position].empty()) return;
  failures_[position] = why.message();
  if (why.IsNoSpace()) ++no_space_failures_;
  if (blocks_[position]) {
    blocks_[position]->Abandon();
    blocks_[position].reset();
  }
  node_->NoteFailure(ref_.drive_ids[position], why, LocalNode::FailureKind::kWrite);
}

Status LocalFragmentWriter::CheckEnoughPositions() const {
  const int width = ref_.code.width();
  const int allowed_failures = ref_.code.m > 1 ? ref_.code.m - 1 : 0;
  int failed = 0;
  std::string reasons;
  for (int p = 0; p < width; ++p) {
    if (failures_[p].empty()) continue;
    ++failed;
    reasons += "; position " + std::to_string(p) + " (drive " +
               (ref_.drive_ids[p].empty() ? std::string("none") : ref_.drive_ids[p]) + "): " + failures_[p];
  }
  if (failed <= allowed_failures) return Status::OK();
  // Full drives are a different problem from failing ones: say which it is.
  const StatusCode code = failed == no_space_failures_ ? StatusCode::kNoSpace : StatusCode::kUnavailable;
  return Status(code, "node " + node_->node_id() + ": only " + std::to_string(width - failed) + " of " +
                             std::to_string(width) + " drives writable for blob " + ref_.blob_id + ", " +
                             std::to_string(width - allowed_failures) + " needed" + reasons);
}

void LocalFragmentWriter::WriteUnit(int position, std::span<const std::byte> unit) {
  if (!failures_[position].empty()) return;
  if (!blocks_[position]) {
    std::string why;
    std::shared_ptr<Drive> drive = node_->UpDrive(ref_.drive_ids[position], &why);
    if (!drive) {
      Fail(position, Status::Unavailable("drive " + ref_.drive_ids[position] + " is down: " + why));
      return;
    }
    auto writer = drive->CreateBlock(BlockHeader{ref_.Block(position), ref_.unit_size});
    if (!writer.ok()) {
      Fail(position, writer.status());
      return;
    }
    blocks_[position] = std::move(writer).value();
  }
  Status st = blocks_[position]->AppendUnit(unit);
  if (!st.ok()) Fail(position, st);
}

Status LocalFragmentWriter::AppendUnit(std::span<const std::byte> unit) {
  if (finished_) return Status::FailedPrecondition("fragment of blob " + ref_.blob_id + " is already finished");
  if (unit.size() == 0 || unit.size() > ref_.unit_size) {
    return Status::InvalidArgument("unit of " + std::to_string(unit.size()) + " bytes for unit size " +
                                   std::to_string(ref_.unit_size));
  }
  if (short_unit_seen_) return Status::InvalidArgument("unit after a short unit in blob " + ref_.blob_id);
  if (unit.size() < ref_.unit_size) short_unit_seen_ = true;

  std::vector<std::byte>& slot = stripe_[buffered_];
  slot.assign(unit.begin(), unit.end());
  stripe_lengths_[buffered_] = static_cast<uint32_t>(unit.size());
  ++buffered_;
  if (buffered_ == ref_.code.k) return FlushStripe();
  return Status::OK();
}

Status LocalFragmentWriter::FlushStripe() {
  if (buffered_ == 0) return Status::OK();
  const int k = ref_.code.k;
  const int m = ref_.code.m;
  const uint32_t length = stripe_lengths_[0];
  std::vector<const uint8_t*> data(k);
  std::vector<uint8_t*> parity(m);
  for (int i = 0; i < k; ++i) {
    // Short and virtual units are zero padded to the stripe's unit length.
    const uint32_t stored = i < buffered_ ? stripe_lengths_[i] : 0;
    stripe_[i].resize(length);
    if (stored < length) std::memset(stripe_[i].data() + stored, 0, length - stored);
    data[i] = reinterpret_cast<const uint8_t*>(stripe_[i].data());
  }
  for (int j = 0; j < m; ++j) {
    stripe_[k + j].resize(length);
    parity[j] = reinterpret_cast<uint8_t*>(stripe_[k + j].data());
  }
  codec_->Encode(length, data, parity);

  for (int i = 0; i < buffered_; ++i) WriteUnit(i, std::span(stripe_[i].data(), stripe_lengths_[i]));
  for (int j = 0; j < m; ++j) WriteUnit(k + j, std::span(stripe_[k + j].data(), length));
  buffered_ = 0;
  return CheckEnoughPositions();
}

Result<std::vector<std::string>> LocalFragmentWriter::Commit() {
  if (finished_) return Status::FailedPrecondition("fragment of blob " + ref_.blob_id + " is already finished");
  Status st = FlushStripe();
  if (st.ok()) {
    // Each publish waits for its drive (fdatasync, rename, directory fsync):
    // wait for all drives at once rather than one after another.
    std::vector<std::future<Status>> publishing(blocks_.size());
    for (size_t p = 0; p < blocks_.size(); ++p) {
      if (blocks_[p]) publishing[p] = std::async(std::launch::async, [block = blocks_[p].get()] { return block->Publish(); });
    }
    for (size_t p = 0; p < blocks_.size(); ++p) {
      if (!publishing[p].valid()) continue;
      Status published = publishing[p].get();
      if (published.ok()) {
        published_[p] = true;
      } else {
        Fail(static_cast<int>(p), published);
      }
    }
    st = CheckEnoughPositions();
  }
  if (!st.ok()) {
    Abort();
    return st;
  }
  finished_ = true;
  std::vector<std::string> placed = ref_.drive_ids;
  for (size_t p = 0; p < placed.size(); ++p) {
    if (!failures_[p].empty()) placed[p].clear();
  }
  return placed;
}

void LocalFragmentWriter::Abort() {
  finished_ = true;
  for (size_t p = 0; p < blocks_.size(); ++p) {
    if (blocks_[p]) {
      blocks_[p]->Abandon();
      blocks_[p].reset();
    }
    // A Commit that failed after some positions published leaves their
    // blocks in place; they go too, so nothing of the write stays visible.
    if (published_[p]) {
      published_[p] = false;
      std::string why;
      if (std::shared_ptr<Drive> drive = node_->UpDrive(ref_.drive_ids[p], &why)) {
        (void)drive->RemoveBlock(ref_.Block(static_cast<int>(p)));
      }
    }
  }
}

}  // namespace strata
