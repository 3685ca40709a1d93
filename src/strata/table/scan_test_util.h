// Test doubles for scans: a byte sink that keeps what an AlignedWriter
// writes, and a ChunkSource over those bytes that can claim or deny having
// verified them and can damage what it hands out.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "strata/parquet/aligned_writer.h"
#include "strata/table/scan.h"

namespace strata::table {

class StringSink : public parquet::ByteSink {
 public:
  Status Write(std::string_view bytes) override {
    data.append(bytes);
    return Status::OK();
  }
  std::string data;
};

// Hands out byte ranges of the file; `verified` as configured.
class MemorySource : public ChunkSource {
 public:
  explicit MemorySource(const std::string& data) : data_(data) {}
  Status Read(uint64_t offset, uint64_t length, bool verified, std::string* out, bool* out_verified) override {
    ++reads;
    if (verified) ++verified_reads;
    if (offset > data_.size() || length > data_.size() - offset) {
      return Status::Corruption("read of " + std::to_string(length) + " bytes at " + std::to_string(offset) +
                                " outside the table");
    }
    out->assign(data_, offset, length);
    read_ += length;
    *out_verified = verified || hands_out_verified;
    if (!verified && corrupt_unverified && length > 0) {
      // The last byte is page data, which the page CRC covers.
      (*out)[length - 1] = static_cast<char>((*out)[length - 1] ^ 0x20);
    }
    if (*out_verified && corrupt_verified && length > 0) (*out)[length - 1] = static_cast<char>((*out)[length - 1] ^ 0x20);
    return Status::OK();
  }
  uint64_t bytes_read() const override { return read_; }

  bool hands_out_verified = true;
  bool corrupt_unverified = false;
  bool corrupt_verified = false;
  int reads = 0;
  int verified_reads = 0;

 private:
  const std::string& data_;
  uint64_t read_ = 0;
};

}  // namespace strata::table
