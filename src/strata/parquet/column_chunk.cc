#include "strata/parquet/column_chunk.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "strata/base/checksum.h"
#include "strata/parquet/compression.h"
#include "strata/parquet/encoding.h"

namespace strata::parquet {

namespace {

size_t FixedWidth(Type type) {
  switch (type) {
    case Type::kInt32:
    case Type::kFloat: return 4;
    case Type::kInt64:
    case Type::kDouble: return 8;
    default: return 0;
  }
}

void* FixedData(ColumnVector* c, size_t from) {
  switch (c->type) {
    case Type::kInt32: return c->int32s.data() + from;
    case Type::kInt64: return c->int64s.data() + from;
    case Type::kFloat: return c->floats.data() + from;
    case Type::kDouble: return c->doubles.data() + from;
    default: return nullptr;
  }
}

void ResizeValues(ColumnVector* c, size_t n) {
  switch (c->type) {
    case Type::kBoolean: c->bools.resize(n); break;
    case Type::kInt32: c->int32s.resize(n); break;
    case Type::kInt64: c->int64s.resize(n); break;
    case Type::kFloat: c->floats.resize(n); break;
    case Type::kDouble: c->doubles.resize(n); break;
    default: break;
  }
}

// Decodes a chunk page by page; `values` collects the non-null values of
// every page, `validity` one byte per row.
class ChunkDecoder {
 public:
  ChunkDecoder(const ChunkDecodeOptions& options, ColumnVector* out, ChunkDecodeInfo* info)
      : options_(options), out_(out), info_(info), dictionary_(options.type) {}

  Status Decode(std::string_view bytes) {
    const Type type = options_.type;
    if (type != Type::kBoolean && type != Type::kInt32 && type != Type::kInt64 && type != Type::kFloat &&
        type != Type::kDouble && type != Type::kByteArray) {
      return Status::InvalidArgument("columns of type " + TypeName(type) + " are not supported");
    }
    out_->Clear();
    out_->type = type;
    if (options_.num_values < 0) return Status::Corruption("negative value count");
    const size_t rows = static_cast<size_t>(options_.num_values);
    size_t offset = 0;
    while (rows_done_ < rows) {
      if (offset >= bytes.size()) {
        return Status::Corruption("chunk ends after " + std::to_string(rows_done_) + " of " + std::to_string(rows) +
                                  " values");
      }
      RETURN_IF_ERROR(Page(bytes, &offset).WithContext("page " + std::to_string(info_->pages)));
      ++info_->pages;
    }
    if (rows_done_ != rows) {
      return Status::Corruption("pages hold " + std::to_string(rows_done_) + " values, the chunk " +
                                std::to_string(rows));
    }
    // Spread the non-null values over the rows.
    if (null_rows_ > 0) {
      out_->validity = std::move(validity_);
      Spread();
    }
    return Status::OK();
  }

 private:
  Status Page(std::string_view bytes, size_t* offset) {
    size_t header_size = 0;
    ASSIGN_OR_RETURN(PageHeader header, ParsePageHeader(bytes.substr(*offset), &header_size));
    const size_t start = *offset + header_size;
    const size_t size = static_cast<size_t>(header.compressed_page_size);
    if (size > bytes.size() - start) {
      return Status::Corruption("page of " + std::to_string(size) + " bytes runs past the chunk's end");
    }
    const std::string_view page = bytes.substr(start, size);
    *offset = start + size;
    if (header.crc) {
      const uint32_t crc = Crc32(page);
      if (crc != static_cast<uint32_t>(*header.crc)) return Status::Corruption("page CRC mismatch");
    } else {
      info_->every_page_has_crc = false;
    }
    switch (header.type) {
      case PageType::kDictionaryPage: return DictionaryPage(header, page);
      case PageType::kDataPage: return DataPageV1(header, page);
      case PageType::kDataPageV2: return DataPageV2(header, page);
      default: return Status::OK();  // index pages carry nothing we need
    }
  }

  Status Inflate(std::string_view page, size_t uncompressed_size, std::string* buffer, std::string_view* out) {
    if (options_.codec == Codec::kUncompressed) {
      if (page.size() != uncompressed_size) return Status::Corruption("uncompressed page size mismatch");
      *out = page;
      return Status::OK();
    }
    RETURN_IF_ERROR(Decompress(options_.codec, page, uncompressed_size, buffer));
    *out = *buffer;
    return Status::OK();
  }

  Status DictionaryPage(const PageHeader& header, std::string_view page) {
    if (!header.dictionary_page_header) return Status::Corruption("dictionary page without its header");
    if (have_dictionary_) return Status::Corruption("a second dictionary page");
    const auto& dict = *header.dictionary_page_header;
    if (dict.encoding != Encoding::kPlain && dict.encoding != Encoding::kPlainDictionary) {
      return Status::InvalidArgument("dictionary encoding " + EncodingName(dict.encoding) + " is not supported");
    }
    std::string_view data;
    RETURN_IF_ERROR(Inflate(page, static_cast<size_t>(header.uncompressed_page_size), &buffer_, &data));
    if (static_cast<size_t>(dict.num_values) > kMaxPageValues) return Status::InvalidArgument("dictionary too large");
    RETURN_IF_ERROR(Plain(data, static_cast<size_t>(dict.num_values), &dictionary_));
    have_dictionary_ = true;
    return Status::OK();
  }

  Status DataPageV1(const PageHeader& header, std::string_view page) {
    if (!header.data_page_header) return Status::Corruption("data page without its header");
    const auto& h = *header.data_page_header;
    std::string_view data;
    RETURN_IF_ERROR(Inflate(page, static_cast<size_t>(header.uncompressed_page_size), &buffer_, &data));
    const size_t n = static_cast<size_t>(h.num_values);
    RETURN_IF_ERROR(CheckValueCount(n));
    size_t present = n;
    if (options_.optional) {
      if (h.definition_level_encoding != Encoding::kRle) {
        return Status::InvalidArgument("definition levels in " + EncodingName(h.definition_level_encoding) +
                                       " are not supported");
      }
      if (data.size() < 4) return Status::Corruption("definition levels truncated");
      uint32_t length = 0;
      std::memcpy(&length, data.data(), 4);
      if (length > data.size() - 4) return Status::Corruption("definition levels run past the page");
      RETURN_IF_ERROR(Levels(data.substr(4, length), n, &present));
      data.remove_prefix(4 + length);
    }
    return Values(h.encoding, data, n, present);
  }

  Status DataPageV2(const PageHeader& header, std::string_view page) {
    if (!header.data_page_header_v2) return Status::Corruption("data page v2 without its header");
    const auto& h = *header.data_page_header_v2;
    if (h.repetition_levels_byte_length != 0) return Status::InvalidArgument("repeated columns are not supported");
    const size_t levels = static_cast<size_t>(h.definition_levels_byte_length);
    if (levels > page.size()) return Status::Corruption("definition levels run past the page");
    const size_t n = static_cast<size_t>(h.num_values);
    RETURN_IF_ERROR(CheckValueCount(n));
    size_t present = n;
    if (options_.optional) {
      RETURN_IF_ERROR(Levels(page.substr(0, levels), n, &present));
    } else if (levels != 0 || h.num_nulls != 0) {
      return Status::Corruption("nulls in a required column");
    }
    std::string_view values = page.substr(levels);
    std::string_view data = values;
    const size_t uncompressed = static_cast<size_t>(header.uncompressed_page_size);
    if (uncompressed < levels) return Status::Corruption("page sizes disagree");
    if (h.is_compressed && options_.codec != Codec::kUncompressed) {
      RETURN_IF_ERROR(Decompress(options_.codec, values, uncompressed - levels, &buffer_));
      data = buffer_;
    }
    return Values(h.encoding, data, n, present);
  }

  // A page may not claim more values than its chunk has left, nor more than
  // any page needs: RLE can declare billions of values in a few bytes, and
  // the buffers are sized from the count.
  Status CheckValueCount(size_t n) const {
    if (n > static_cast<size_t>(options_.num_values) - rows_done_) {
      return Status::Corruption("page holds " + std::to_string(n) + " values; the chunk has " +
                                std::to_string(static_cast<size_t>(options_.num_values) - rows_done_) + " left");
    }
    if (n > kMaxPageValues) {
      return Status::InvalidArgument("page of " + std::to_string(n) + " values exceeds the limit of " +
                                     std::to_string(kMaxPageValues));
    }
    return Status::OK();
  }

  // Definition levels of a flat optional column: 1 present, 0 null.
  Status Levels(std::string_view data, size_t n, size_t* present) {
    levels_.resize(n);
    RETURN_IF_ERROR(DecodeRleHybrid(data, 1, n, levels_.data()).WithContext("definition levels"));
    if (validity_.empty()) validity_.assign(rows_done_, 1);
    size_t count = 0;
    for (size_t i = 0; i < n; ++i) {
      if (levels_[i] > 1) return Status::Corruption("definition level above 1 in a flat column");
      validity_.push_back(static_cast<uint8_t>(levels_[i]));
      count += levels_[i];
    }
    *present = count;
    null_rows_ += n - count;
    return Status::OK();
  }

  Status Values(Encoding encoding, std::string_view data, size_t n, size_t present) {
    if (rows_done_ + n > static_cast<size_t>(options_.num_values)) {
      return Status::Corruption("more values than the chunk declares");
    }
    if (!options_.optional && !validity_.empty()) validity_.insert(validity_.end(), n, 1);
    const Type type = options_.type;
    switch (encoding) {
      case Encoding::kPlain: RETURN_IF_ERROR(Plain(data, present, out_)); break;
      case Encoding::kPlainDictionary:
      case Encoding::kRleDictionary: RETURN_IF_ERROR(Dictionary(data, present)); break;
      case Encoding::kRle: {
        if (type != Type::kBoolean) return Status::InvalidArgument("RLE values in a non-boolean column");
        if (data.size() < 4) return Status::Corruption("RLE booleans truncated");
        uint32_t length = 0;
        std::memcpy(&length, data.data(), 4);
        if (length > data.size() - 4) return Status::Corruption("RLE booleans run past the page");
        scratch_.resize(present);
        RETURN_IF_ERROR(DecodeRleHybrid(data.substr(4, length), 1, present, scratch_.data()));
        for (uint32_t v : scratch_) out_->bools.push_back(static_cast<uint8_t>(v));
        break;
      }
      case Encoding::kDeltaBinaryPacked: {
        if (type != Type::kInt32 && type != Type::kInt64) {
          return Status::InvalidArgument("DELTA_BINARY_PACKED in a " + TypeName(type) + " column");
        }
        wide_.resize(present);
        size_t consumed = 0;
        RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, present, wide_.data(), &consumed));
        if (type == Type::kInt64) {
          out_->int64s.insert(out_->int64s.end(), wide_.begin(), wide_.end());
        } else {
          for (int64_t v : wide_) out_->int32s.push_back(static_cast<int32_t>(v));
        }
        break;
      }
      case Encoding::kDeltaLengthByteArray:
      case Encoding::kDeltaByteArray: {
        if (type != Type::kByteArray) {
          return Status::InvalidArgument(EncodingName(encoding) + " in a " + TypeName(type) + " column");
        }
        size_t consumed = 0;
        RETURN_IF_ERROR(encoding == Encoding::kDeltaByteArray
                            ? DecodeDeltaByteArray(data, present, &out_->strings, &consumed)
                            : DecodeDeltaLengthByteArray(data, present, &out_->strings, &consumed));
        break;
      }
      case Encoding::kByteStreamSplit: {
        const size_t width = FixedWidth(type);
        if (width == 0) return Status::InvalidArgument("BYTE_STREAM_SPLIT in a " + TypeName(type) + " column");
        const size_t before = out_->size();
        ResizeValues(out_, before + present);
        size_t consumed = 0;
        RETURN_IF_ERROR(DecodeByteStreamSplit(data, present, width, FixedData(out_, before), &consumed));
        break;
      }
      default: return Status::InvalidArgument("encoding " + EncodingName(encoding) + " is not supported");
    }
    rows_done_ += n;
    return Status::OK();
  }

  // PLAIN values appended to *into.
  Status Plain(std::string_view data, size_t count, ColumnVector* into) {
    size_t consumed = 0;
    const size_t before = into->size();
    switch (options_.type) {
      case Type::kBoolean:
        if (count > data.size() * 8) return Status::Corruption("PLAIN booleans truncated");
        into->bools.resize(before + count);
        return DecodePlainBooleans(data, count, into->bools.data() + before, &consumed);
      case Type::kByteArray: return DecodePlainByteArrays(data, count, &into->strings, &consumed);
      default: {
        const size_t width = FixedWidth(options_.type);
        if (count > data.size() / width) return Status::Corruption("PLAIN values truncated");
        ResizeValues(into, before + count);
        return DecodePlainFixed(data, count, width, FixedData(into, before), &consumed);
      }
    }
  }

  Status Dictionary(std::string_view data, size_t count) {
    if (!have_dictionary_) return Status::Corruption("dictionary-encoded page before any dictionary page");
    indices_.resize(count);
    RETURN_IF_ERROR(DecodeDictionaryIndices(data, count, indices_.data()));
    const size_t before = out_->size();
    switch (options_.type) {
      case Type::kByteArray: return GatherDictionaryByteArrays(dictionary_.strings, indices_, &out_->strings);
      case Type::kBoolean:
        ResizeValues(out_, before + count);
        return GatherDictionaryFixed(dictionary_.bools.data(), dictionary_.bools.size(), 1, indices_,
                                     out_->bools.data() + before);
      default:
        ResizeValues(out_, before + count);
        return GatherDictionaryFixed(FixedData(&dictionary_, 0), dictionary_.size(), FixedWidth(options_.type),
                                     indices_, FixedData(out_, before));
    }
  }

  // Moves the packed non-null values to their rows; null rows get zero or "".
  void Spread() {
    const std::vector<uint8_t>& valid = out_->validity;
    const size_t rows = valid.size();
    auto spread = [&](auto& values) {
      using T = typename std::decay_t<decltype(values)>::value_type;
      std::vector<T> full(rows, T{});
      size_t next = 0;
      for (size_t r = 0; r < rows; ++r) {
        if (valid[r]) full[r] = values[next++];
      }
      values.swap(full);
    };
    switch (out_->type) {
      case Type::kBoolean: spread(out_->bools); break;
      case Type::kInt32: spread(out_->int32s); break;
      case Type::kInt64: spread(out_->int64s); break;
      case Type::kFloat: spread(out_->floats); break;
      case Type::kDouble: spread(out_->doubles); break;
      case Type::kByteArray: {
        ByteArrayValues full;
        full.Reserve(rows, out_->strings.bytes.size());
        size_t next = 0;
        for (size_t r = 0; r < rows; ++r) full.Append(valid[r] ? out_->strings[next++] : std::string_view());
        out_->strings = std::move(full);
        break;
      }
      default: break;
    }
  }

  const ChunkDecodeOptions& options_;
  ColumnVector* out_;
  ChunkDecodeInfo* info_;
  ColumnVector dictionary_;
  bool have_dictionary_ = false;
  size_t rows_done_ = 0;
  size_t null_rows_ = 0;
  std::vector<uint8_t> validity_;
  std::vector<uint32_t> levels_, indices_, scratch_;
  std::vector<int64_t> wide_;
  std::string buffer_;
};

}  // namespace

Status DecodeColumnChunk(std::string_view bytes, const ChunkDecodeOptions& options, ColumnVector* out,
                         ChunkDecodeInfo* info) {
  *info = ChunkDecodeInfo();
  return ChunkDecoder(options, out, info).Decode(bytes);
}

}  // namespace strata::parquet
