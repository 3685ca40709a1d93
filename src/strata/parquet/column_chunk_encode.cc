// The writing half of column_chunk.h: PLAIN data pages (v1) of about
// page_size bytes, each with a CRC so a node can trust the pages it read out
// of a unit without reading the whole unit, and the chunk's min, max and null
// count.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "strata/base/checksum.h"
#include "strata/parquet/column_chunk.h"
#include "strata/parquet/compression.h"
#include "strata/parquet/encoding.h"

namespace strata::parquet {

namespace {

template <typename T>
std::string LittleEndian(T value) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &value, sizeof(T));
  return out;
}

template <typename T>
void AppendFixed(const std::vector<T>& values, const ColumnVector& c, size_t first, size_t count, std::string* out) {
  if (c.validity.empty()) {
    out->append(reinterpret_cast<const char*>(values.data() + first), count * sizeof(T));
    return;
  }
  for (size_t i = first; i < first + count; ++i) {
    if (c.validity[i]) out->append(reinterpret_cast<const char*>(&values[i]), sizeof(T));
  }
}

// Min and max over the valid values of [first, first + count), NaN skipped.
// Written as branch-free selects so the common all-valid case vectorizes
// (a NaN compares false, so it never replaces a bound).
template <typename T>
bool MinMax(const std::vector<T>& values, const ColumnVector& c, size_t first, size_t count, T* lo, T* hi) {
  T low = std::numeric_limits<T>::max();
  T high = std::numeric_limits<T>::lowest();
  if constexpr (std::is_floating_point_v<T>) {
    low = std::numeric_limits<T>::infinity();
    high = -std::numeric_limits<T>::infinity();
  }
  bool have = false;
  const T* v = values.data();
  if (c.validity.empty()) {
    for (size_t i = first; i < first + count; ++i) {
      low = v[i] < low ? v[i] : low;
      high = v[i] > high ? v[i] : high;
    }
    if constexpr (std::is_floating_point_v<T>) {
      // Only infinities (or nothing but NaN) leave the bounds crossed.
      for (size_t i = first; i < first + count && !have; ++i) have = !std::isnan(v[i]);
    } else {
      have = count > 0;
    }
  } else {
    for (size_t i = first; i < first + count; ++i) {
      if (!c.validity[i]) continue;
      if constexpr (std::is_floating_point_v<T>) {
        if (std::isnan(v[i])) continue;
      }
      low = v[i] < low ? v[i] : low;
      high = v[i] > high ? v[i] : high;
      have = true;
    }
  }
  if (!have) return false;
  *lo = low;
  *hi = high;
  if constexpr (std::is_floating_point_v<T>) {
    // The spec's rule for signed zeros: min -0.0, max +0.0.
    if (*lo == 0) *lo = -T(0);
    if (*hi == 0) *hi = T(0);
  }
  return true;
}

template <typename T>
void SetMinMax(const std::vector<T>& values, const ColumnVector& c, size_t first, size_t count, Statistics* s) {
  T lo{}, hi{};
  if (!MinMax(values, c, first, count, &lo, &hi)) return;
  s->min_value = LittleEndian(lo);
  s->max_value = LittleEndian(hi);
}

void SetStringMinMax(const ColumnVector& c, size_t first, size_t count, size_t limit, Statistics* s) {
  std::string_view lo, hi;
  bool have = false;
  for (size_t i = first; i < first + count; ++i) {
    if (!c.IsValid(i)) continue;
    const std::string_view v = c.strings[i];
    if (!have) {
      lo = hi = v;
      have = true;
    } else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!have || lo.size() > limit || hi.size() > limit) return;
  s->min_value = std::string(lo);
  s->max_value = std::string(hi);
}

// Rows of the page that starts at `row`, for a chunk that ends at `end`.
size_t PageRows(const ColumnVector& values, size_t row, size_t end, size_t page_size) {
  const size_t limit = std::min(end - row, kMaxPageValues);
  if (page_size == 0) return limit;
  switch (values.type) {
    case Type::kBoolean:  // PLAIN booleans take a bit each
      return std::min(limit, page_size >= kMaxPageValues ? kMaxPageValues : page_size * 8);
    case Type::kInt32:
    case Type::kFloat: return std::min(limit, std::max<size_t>(1, page_size / 4));
    case Type::kInt64:
    case Type::kDouble: return std::min(limit, std::max<size_t>(1, page_size / 8));
    default: {
      // Strings: a 4-byte length and the bytes each; the value that reaches
      // the target ends the page, so no page is empty.
      size_t bytes = 0, n = 0;
      while (n < limit && bytes < page_size) {
        if (values.IsValid(row + n)) bytes += 4 + values.strings[row + n].size();
        ++n;
      }
      return n;
    }
  }
}

// The chunk's null count, and min and max over its valid values.
Status ChunkStatistics(const ColumnVector& values, size_t first, size_t count, const ChunkEncodeOptions& options,
                       Statistics* stats) {
  size_t nulls = 0;
  if (!values.validity.empty()) {
    for (size_t i = first; i < first + count; ++i) nulls += values.validity[i] ? 0 : 1;
  }
  stats->null_count = static_cast<int64_t>(nulls);
  switch (values.type) {
    case Type::kBoolean: SetMinMax(values.bools, values, first, count, stats); break;
    case Type::kInt32: SetMinMax(values.int32s, values, first, count, stats); break;
    case Type::kInt64: SetMinMax(values.int64s, values, first, count, stats); break;
    case Type::kFloat: SetMinMax(values.floats, values, first, count, stats); break;
    case Type::kDouble: SetMinMax(values.doubles, values, first, count, stats); break;
    case Type::kByteArray: SetStringMinMax(values, first, count, options.max_string_stat, stats); break;
    default: return Status::InvalidArgument("columns of type " + TypeName(values.type) + " cannot be written");
  }
  return Status::OK();
}

// Buffers reused from page to page of a chunk.
struct PageScratch {
  std::string page;
  std::string compressed;
  std::string levels;
  std::vector<uint32_t> level_values;
  std::vector<uint8_t> bools;
};

// Appends rows [first, first + count) as one data page (header and data) to
// out->bytes, and its location to out->pages; `chunk_first` is the chunk's
// first row, which first_row_index counts from.
Status AppendPage(const ColumnVector& values, size_t chunk_first, size_t first, size_t count,
                  const ChunkEncodeOptions& options, PageScratch* scratch, EncodedChunk* out) {
  std::string& page = scratch->page;
  page.clear();
  size_t nulls = 0;
  if (options.optional) {
    scratch->level_values.resize(count);
    for (size_t i = 0; i < count; ++i) {
      scratch->level_values[i] = values.IsValid(first + i) ? 1 : 0;
      nulls += 1 - scratch->level_values[i];
    }
    scratch->levels.clear();
    EncodeRleHybrid(scratch->level_values, 1, &scratch->levels);
    const uint32_t length = static_cast<uint32_t>(scratch->levels.size());
    page.append(reinterpret_cast<const char*>(&length), 4);
    page += scratch->levels;
  }
  switch (values.type) {
    case Type::kBoolean:
      scratch->bools.clear();
      for (size_t i = first; i < first + count; ++i) {
        if (values.IsValid(i)) scratch->bools.push_back(values.bools[i]);
      }
      EncodePlainBooleans(scratch->bools, &page);
      break;
    case Type::kInt32: AppendFixed(values.int32s, values, first, count, &page); break;
    case Type::kInt64: AppendFixed(values.int64s, values, first, count, &page); break;
    case Type::kFloat: AppendFixed(values.floats, values, first, count, &page); break;
    case Type::kDouble: AppendFixed(values.doubles, values, first, count, &page); break;
    case Type::kByteArray:
      if (nulls == 0) {
        EncodePlainByteArrays(values.strings, first, count, &page);
      } else {
        for (size_t i = first; i < first + count; ++i) {
          if (values.IsValid(i)) EncodePlainByteArrays(values.strings, i, 1, &page);
        }
      }
      break;
    default: return Status::InvalidArgument("columns of type " + TypeName(values.type) + " cannot be written");
  }
  std::string_view stored = page;
  if (options.codec != Codec::kUncompressed) {
    scratch->compressed.clear();
    RETURN_IF_ERROR(Compress(options.codec, page, &scratch->compressed, options.compression_level));
    stored = scratch->compressed;
  }
  if (page.size() > INT32_MAX || stored.size() > INT32_MAX) return Status::InvalidArgument("page over 2 GiB");
  PageHeader header;
  header.type = PageType::kDataPage;
  header.uncompressed_page_size = static_cast<int32_t>(page.size());
  header.compressed_page_size = static_cast<int32_t>(stored.size());
  header.crc = static_cast<int32_t>(Crc32(stored));
  DataPageHeader data;
  data.num_values = static_cast<int32_t>(count);
  data.encoding = Encoding::kPlain;
  data.definition_level_encoding = Encoding::kRle;
  data.repetition_level_encoding = Encoding::kRle;
  header.data_page_header = data;
  const std::string header_bytes = SerializePageHeader(header);
  const size_t size = header_bytes.size() + stored.size();
  if (size > INT32_MAX) return Status::InvalidArgument("page over 2 GiB");
  PageLocation location;
  location.offset = static_cast<int64_t>(out->bytes.size());
  location.compressed_page_size = static_cast<int32_t>(size);
  location.first_row_index = static_cast<int64_t>(first - chunk_first);
  out->pages.push_back(location);
  out->bytes += header_bytes;
  out->bytes.append(stored);
  out->total_uncompressed_size += static_cast<int64_t>(header_bytes.size() + page.size());
  return Status::OK();
}

}  // namespace

std::string EncodeStatValue(Type type, const ColumnVector& values, size_t row) {
  switch (type) {
    case Type::kBoolean: return std::string(1, static_cast<char>(values.bools[row] ? 1 : 0));
    case Type::kInt32: return LittleEndian(values.int32s[row]);
    case Type::kInt64: return LittleEndian(values.int64s[row]);
    case Type::kFloat: return LittleEndian(values.floats[row]);
    case Type::kDouble: return LittleEndian(values.doubles[row]);
    default: return std::string(values.strings[row]);
  }
}

bool DecodeStatNumber(Type type, std::string_view bytes, double* out_double, int64_t* out_int) {
  switch (type) {
    case Type::kBoolean:
      if (bytes.size() != 1) return false;
      *out_int = bytes[0] != 0;
      return true;
    case Type::kInt32: {
      if (bytes.size() != 4) return false;
      int32_t v;
      std::memcpy(&v, bytes.data(), 4);
      *out_int = v;
      return true;
    }
    case Type::kInt64: {
      if (bytes.size() != 8) return false;
      std::memcpy(out_int, bytes.data(), 8);
      return true;
    }
    case Type::kFloat: {
      if (bytes.size() != 4) return false;
      float v;
      std::memcpy(&v, bytes.data(), 4);
      *out_double = v;
      return !std::isnan(v);
    }
    case Type::kDouble: {
      if (bytes.size() != 8) return false;
      std::memcpy(out_double, bytes.data(), 8);
      return !std::isnan(*out_double);
    }
    default: return false;
  }
}

Status EncodeColumnChunk(const ColumnVector& values, size_t first, size_t count, const ChunkEncodeOptions& options,
                         EncodedChunk* out) {
  if (first > values.size() || count > values.size() - first) {
    return Status::InvalidArgument("rows beyond the column's values");
  }
  if (!options.optional && !values.validity.empty()) {
    for (size_t i = first; i < first + count; ++i) {
      if (!values.validity[i]) return Status::InvalidArgument("null in a required column (row " + std::to_string(i) + ")");
    }
  }
  *out = EncodedChunk();
  RETURN_IF_ERROR(ChunkStatistics(values, first, count, options, &out->statistics));
  PageScratch scratch;
  const size_t end = first + count;
  size_t row = first;
  // do-while: a chunk of no rows still gets one (empty) page for
  // data_page_offset to point at.
  do {
    const size_t rows = count == 0 ? 0 : PageRows(values, row, end, options.page_size);
    RETURN_IF_ERROR(AppendPage(values, first, row, rows, options, &scratch, out)
                        .WithContext("page " + std::to_string(out->pages.size())));
    row += rows;
  } while (row < end);
  out->num_values = static_cast<int64_t>(count);
  return Status::OK();
}

}  // namespace strata::parquet
