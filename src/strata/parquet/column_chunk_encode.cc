// The writing half of column_chunk.h: PLAIN data pages (v1) of about
// page_size bytes, each with a CRC so a node can trust the pages it read out
// of a unit without reading the whole unit, and the chunk's min, max and null
// count, gathered page by page as the pages are encoded (ChunkBuilder keeps
// pages across the tries of a chunk's length, so each is encoded once).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
    if (c.IsValid(i)) out->append(reinterpret_cast<const char*>(&values[i]), sizeof(T));
  }
}

size_t FixedWidth(Type type) {
  switch (type) {
    case Type::kInt32:
    case Type::kFloat: return 4;
    case Type::kInt64:
    case Type::kDouble: return 8;
    default: return 0;
  }
}

const char* FixedData(const ColumnVector& c, size_t row) {
  switch (c.type) {
    case Type::kInt32: return reinterpret_cast<const char*>(c.int32s.data() + row);
    case Type::kInt64: return reinterpret_cast<const char*>(c.int64s.data() + row);
    case Type::kFloat: return reinterpret_cast<const char*>(c.floats.data() + row);
    case Type::kDouble: return reinterpret_cast<const char*>(c.doubles.data() + row);
    default: return nullptr;
  }
}

bool CanWrite(Type type) {
  return type == Type::kBoolean || type == Type::kInt32 || type == Type::kInt64 || type == Type::kFloat ||
         type == Type::kDouble || type == Type::kByteArray;
}

// Folds v[0, n) into the running bounds *lo and *hi as `x < lo ? x : lo` and
// `x > hi ? x : hi`, so a NaN never replaces a bound. The compiler vectorizes
// this plain loop for the narrow integers; the overloads below do it for the
// types it does not.
template <typename T>
void FoldMinMax(const T* v, size_t n, T* lo, T* hi) {
  T low = *lo, high = *hi;
  for (size_t i = 0; i < n; ++i) {
    low = v[i] < low ? v[i] : low;
    high = v[i] > high ? v[i] : high;
  }
  *lo = low;
  *hi = high;
}

// Folds the running bounds of several lanes into one.
template <typename T>
void FoldLanes(const T* lows, const T* highs, size_t lanes, T* lo, T* hi) {
  for (size_t j = 0; j < lanes; ++j) {
    *lo = lows[j] < *lo ? lows[j] : *lo;
    *hi = highs[j] > *hi ? highs[j] : *hi;
  }
}

// Four running bounds instead of one break the chain from value to value.
void FoldMinMax(const int64_t* v, size_t n, int64_t* lo, int64_t* hi) {
  int64_t low[4] = {*lo, *lo, *lo, *lo};
  int64_t high[4] = {*hi, *hi, *hi, *hi};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    for (size_t j = 0; j < 4; ++j) {
      low[j] = v[i + j] < low[j] ? v[i + j] : low[j];
      high[j] = v[i + j] > high[j] ? v[i + j] : high[j];
    }
  }
  FoldMinMax<int64_t>(v + i, n - i, lo, hi);
  FoldLanes(low, high, 4, lo, hi);
}

#if defined(__SSE2__)
// MINPS/MINPD return their second operand when either is NaN, and MAXPS/MAXPD
// likewise: min(x, low) is exactly `x < low ? x : low`, lane by lane.
void FoldMinMax(const float* v, size_t n, float* lo, float* hi) {
  __m128 low0 = _mm_set1_ps(*lo), low1 = low0;
  __m128 high0 = _mm_set1_ps(*hi), high1 = high0;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128 a = _mm_loadu_ps(v + i);
    const __m128 b = _mm_loadu_ps(v + i + 4);
    low0 = _mm_min_ps(a, low0);
    low1 = _mm_min_ps(b, low1);
    high0 = _mm_max_ps(a, high0);
    high1 = _mm_max_ps(b, high1);
  }
  float lows[8], highs[8];
  _mm_storeu_ps(lows, low0);
  _mm_storeu_ps(lows + 4, low1);
  _mm_storeu_ps(highs, high0);
  _mm_storeu_ps(highs + 4, high1);
  FoldMinMax<float>(v + i, n - i, lo, hi);
  FoldLanes(lows, highs, 8, lo, hi);
}

void FoldMinMax(const double* v, size_t n, double* lo, double* hi) {
  __m128d low0 = _mm_set1_pd(*lo), low1 = low0;
  __m128d high0 = _mm_set1_pd(*hi), high1 = high0;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m128d a = _mm_loadu_pd(v + i);
    const __m128d b = _mm_loadu_pd(v + i + 2);
    low0 = _mm_min_pd(a, low0);
    low1 = _mm_min_pd(b, low1);
    high0 = _mm_max_pd(a, high0);
    high1 = _mm_max_pd(b, high1);
  }
  double lows[4], highs[4];
  _mm_storeu_pd(lows, low0);
  _mm_storeu_pd(lows + 2, low1);
  _mm_storeu_pd(highs, high0);
  _mm_storeu_pd(highs + 2, high1);
  FoldMinMax<double>(v + i, n - i, lo, hi);
  FoldLanes(lows, highs, 4, lo, hi);
}
#endif

// Min and max over the valid values of [first, first + count), NaN skipped;
// false when there are none.
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
    FoldMinMax(v + first, count, &low, &high);
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
  return true;
}

// The chunk's min or max as PLAIN bytes; for floating point with the spec's
// rule for signed zeros: min -0.0, max +0.0.
template <typename T>
std::string StatBytes(T value, bool is_min) {
  if constexpr (std::is_floating_point_v<T>) {
    if (value == 0) value = is_min ? -T(0) : T(0);
  }
  return LittleEndian(value);
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
  *out = EncodedChunk();
  ChunkBuilder builder(options);
  builder.Begin(&values, first);
  ChunkLayout layout;
  RETURN_IF_ERROR(builder.Lay(count, &layout));
  out->bytes.reserve(layout.size);
  builder.AppendBytes(layout, &out->bytes);
  out->num_values = layout.num_values;
  out->total_uncompressed_size = layout.total_uncompressed_size;
  out->statistics = std::move(layout.statistics);
  out->pages = std::move(layout.pages);
  return Status::OK();
}

// ---------------------------------------------------------------- ChunkBuilder

void ChunkBuilder::Begin(const ColumnVector* values, size_t first) {
  values_ = values;
  first_ = first;
  kept_.clear();
  kept_pages_.clear();
  checked_rows_ = 0;
}

Status ChunkBuilder::Lay(size_t count, ChunkLayout* out) {
  const ColumnVector& values = *values_;
  if (first_ > values.size() || count > values.size() - first_) {
    return Status::InvalidArgument("rows beyond the column's values");
  }
  if (!options_.optional && !values.validity.empty()) {
    for (size_t i = first_ + checked_rows_; i < first_ + count; ++i) {
      if (!values.validity[i]) return Status::InvalidArgument("null in a required column (row " + std::to_string(i) + ")");
    }
  }
  checked_rows_ = std::max(checked_rows_, count);
  if (!CanWrite(values.type)) {
    return Status::InvalidArgument("columns of type " + TypeName(values.type) + " cannot be written");
  }
  out->size = 0;
  out->num_values = static_cast<int64_t>(count);
  out->total_uncompressed_size = 0;
  out->pages.clear();
  out->kept_bytes = 0;
  out->last_pages.clear();
  PageBounds bounds;
  size_t row = 0;  // counted from first_
  auto add = [&](const PageSummary& page, size_t offset) {
    PageLocation location;
    location.offset = static_cast<int64_t>(offset);
    location.compressed_page_size = static_cast<int32_t>(page.bytes);
    location.first_row_index = static_cast<int64_t>(row);
    out->pages.push_back(location);
    out->total_uncompressed_size += page.uncompressed;
    bounds.Merge(page.bounds);
    row += page.rows;
  };
  // The kept pages that end inside the chunk lead it.
  size_t kept = 0;
  while (kept < kept_pages_.size() && row + kept_pages_[kept].rows <= count) {
    const PageSummary& page = kept_pages_[kept++];
    add(page, out->kept_bytes);
    out->kept_bytes += page.bytes;
  }
  // Past them, a page that ends before the chunk's last row is the same
  // whatever the count: keep it for the next try.
  while (kept == kept_pages_.size() && row < count) {
    const size_t rows = PageRows(values, first_ + row, first_ + count, options_.page_size);
    if (row + rows >= count) break;
    PageSummary page;
    RETURN_IF_ERROR(EncodePage(first_ + row, rows, &kept_, &page)
                        .WithContext("page " + std::to_string(out->pages.size())));
    kept_pages_.push_back(page);
    ++kept;
    add(page, out->kept_bytes);
    out->kept_bytes += page.bytes;
  }
  // The last page, for this count only. A chunk of no rows is one empty page.
  while (row < count || out->pages.empty()) {
    const size_t rows = count == 0 ? 0 : PageRows(values, first_ + row, first_ + count, options_.page_size);
    PageSummary page;
    const size_t offset = out->kept_bytes + out->last_pages.size();
    RETURN_IF_ERROR(EncodePage(first_ + row, rows, &out->last_pages, &page)
                        .WithContext("page " + std::to_string(out->pages.size())));
    add(page, offset);
  }
  out->size = out->kept_bytes + out->last_pages.size();
  out->statistics = ChunkStatistics(bounds);
  return Status::OK();
}

void ChunkBuilder::AppendBytes(const ChunkLayout& layout, std::string* out) const {
  out->append(kept_.data(), layout.kept_bytes);
  out->append(layout.last_pages);
}

Status ChunkBuilder::EncodePage(size_t first, size_t count, std::string* out, PageSummary* summary) {
  const ColumnVector& values = *values_;
  Scratch& scratch = scratch_;
  std::string_view page;  // the page's levels and values, uncompressed
  const size_t width = FixedWidth(values.type);
  if (!options_.optional && width > 0) {
    // Required fixed-width values (checked to have no null) are PLAIN as they
    // lie in memory: the page is a view of them.
    page = std::string_view(FixedData(values, first), count * width);
  } else {
    std::string& bytes = scratch.page;
    bytes.clear();
    size_t nulls = 0;
    if (options_.optional) {
      scratch.level_values.resize(count);
      for (size_t i = 0; i < count; ++i) {
        scratch.level_values[i] = values.IsValid(first + i) ? 1 : 0;
        nulls += 1 - scratch.level_values[i];
      }
      scratch.levels.clear();
      EncodeRleHybrid(scratch.level_values, 1, &scratch.levels);
      const uint32_t length = static_cast<uint32_t>(scratch.levels.size());
      bytes.append(reinterpret_cast<const char*>(&length), 4);
      bytes += scratch.levels;
    }
    switch (values.type) {
      case Type::kBoolean:
        scratch.bools.clear();
        for (size_t i = first; i < first + count; ++i) {
          if (values.IsValid(i)) scratch.bools.push_back(values.bools[i]);
        }
        EncodePlainBooleans(scratch.bools, &bytes);
        break;
      case Type::kInt32: AppendFixed(values.int32s, values, first, count, &bytes); break;
      case Type::kInt64: AppendFixed(values.int64s, values, first, count, &bytes); break;
      case Type::kFloat: AppendFixed(values.floats, values, first, count, &bytes); break;
      case Type::kDouble: AppendFixed(values.doubles, values, first, count, &bytes); break;
      case Type::kByteArray:
        if (nulls == 0) {
          EncodePlainByteArrays(values.strings, first, count, &bytes);
        } else {
          for (size_t i = first; i < first + count; ++i) {
            if (values.IsValid(i)) EncodePlainByteArrays(values.strings, i, 1, &bytes);
          }
        }
        break;
      default: return Status::InvalidArgument("columns of type " + TypeName(values.type) + " cannot be written");
    }
    page = bytes;
  }
  std::string_view stored = page;
  if (options_.codec != Codec::kUncompressed) {
    scratch.compressed.clear();
    RETURN_IF_ERROR(Compress(options_.codec, page, &scratch.compressed, options_.compression_level));
    stored = scratch.compressed;
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
  out->append(header_bytes);
  out->append(stored);
  summary->rows = count;
  summary->bytes = size;
  summary->uncompressed = static_cast<int64_t>(header_bytes.size() + page.size());
  summary->bounds = BoundsOf(first, count);
  return Status::OK();
}

ChunkBuilder::PageBounds ChunkBuilder::BoundsOf(size_t first, size_t count) const {
  const ColumnVector& values = *values_;
  PageBounds bounds;
  if (!values.validity.empty()) {
    for (size_t i = first; i < first + count; ++i) bounds.nulls += values.validity[i] ? 0 : 1;
  }
  auto integers = [&](const auto& v) {
    typename std::decay_t<decltype(v)>::value_type lo{}, hi{};
    bounds.have = MinMax(v, values, first, count, &lo, &hi);
    bounds.int_min = lo;
    bounds.int_max = hi;
  };
  auto reals = [&](const auto& v) {
    typename std::decay_t<decltype(v)>::value_type lo{}, hi{};
    bounds.have = MinMax(v, values, first, count, &lo, &hi);
    bounds.real_min = lo;
    bounds.real_max = hi;
  };
  switch (values.type) {
    case Type::kBoolean: integers(values.bools); break;
    case Type::kInt32: integers(values.int32s); break;
    case Type::kInt64: integers(values.int64s); break;
    case Type::kFloat: reals(values.floats); break;
    case Type::kDouble: reals(values.doubles); break;
    case Type::kByteArray:
      for (size_t i = first; i < first + count; ++i) {
        if (!values.IsValid(i)) continue;
        const std::string_view v = values.strings[i];
        if (!bounds.have) {
          bounds.text_min = bounds.text_max = v;
          bounds.have = true;
        } else {
          if (v < bounds.text_min) bounds.text_min = v;
          if (v > bounds.text_max) bounds.text_max = v;
        }
      }
      break;
    default: break;
  }
  return bounds;
}

void ChunkBuilder::PageBounds::Merge(const PageBounds& page) {
  nulls += page.nulls;
  if (!page.have) return;
  if (!have) {
    const size_t n = nulls;
    *this = page;
    nulls = n;
    return;
  }
  int_min = std::min(int_min, page.int_min);
  int_max = std::max(int_max, page.int_max);
  real_min = page.real_min < real_min ? page.real_min : real_min;
  real_max = page.real_max > real_max ? page.real_max : real_max;
  text_min = std::min(text_min, page.text_min);
  text_max = std::max(text_max, page.text_max);
}

Statistics ChunkBuilder::ChunkStatistics(const PageBounds& bounds) const {
  Statistics stats;
  stats.null_count = static_cast<int64_t>(bounds.nulls);
  if (!bounds.have) return stats;
  switch (values_->type) {
    case Type::kBoolean:
      stats.min_value = StatBytes(static_cast<uint8_t>(bounds.int_min), true);
      stats.max_value = StatBytes(static_cast<uint8_t>(bounds.int_max), false);
      break;
    case Type::kInt32:
      stats.min_value = StatBytes(static_cast<int32_t>(bounds.int_min), true);
      stats.max_value = StatBytes(static_cast<int32_t>(bounds.int_max), false);
      break;
    case Type::kInt64:
      stats.min_value = StatBytes(bounds.int_min, true);
      stats.max_value = StatBytes(bounds.int_max, false);
      break;
    case Type::kFloat:
      stats.min_value = StatBytes(static_cast<float>(bounds.real_min), true);
      stats.max_value = StatBytes(static_cast<float>(bounds.real_max), false);
      break;
    case Type::kDouble:
      stats.min_value = StatBytes(bounds.real_min, true);
      stats.max_value = StatBytes(bounds.real_max, false);
      break;
    case Type::kByteArray:
      // Long strings cost more in the footer than they prune.
      if (bounds.text_min.size() > options_.max_string_stat || bounds.text_max.size() > options_.max_string_stat) break;
      stats.min_value = std::string(bounds.text_min);
      stats.max_value = std::string(bounds.text_max);
      break;
    default: break;
  }
  return stats;
}

}  // namespace strata::parquet
