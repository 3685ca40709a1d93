#include "strata/parquet/compression.h"

#include <snappy.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>
#include <cstdint>

namespace strata::parquet {
namespace {

std::string Str(uint64_t n) { return std::to_string(n); }

// The most one input byte can expand to: snappy's densest op is a 3-byte copy
// of 64 bytes, deflate's a run of 258 in about two bits, zstd's a 4-byte RLE
// block of 128 KiB. A promised size beyond this is a lie, refused before it is
// allocated.
uint64_t MaxExpansion(Codec codec) {
  switch (codec) {
    case Codec::kSnappy: return 32;
    case Codec::kGzip: return 1032;
    case Codec::kZstd: return ZSTD_BLOCKSIZE_MAX / 4;
    default: return 1;
  }
}

// Per-thread zstd contexts: creating one costs more than a small page's
// decompression, and a context serves one call at a time.
struct ZstdContexts {
  ZSTD_CCtx* compress = nullptr;
  ZSTD_DCtx* decompress = nullptr;
  ~ZstdContexts() {
    ZSTD_freeCCtx(compress);
    ZSTD_freeDCtx(decompress);
  }
};
thread_local ZstdContexts zstd_contexts;

Status CompressSnappy(std::string_view in, std::string* out) {
  if (in.size() > UINT32_MAX) return Status::InvalidArgument("SNAPPY: input of " + Str(in.size()) + " bytes");
  const size_t start = out->size();
  out->resize(start + snappy::MaxCompressedLength(in.size()));
  size_t length = 0;
  snappy::RawCompress(in.data(), in.size(), out->data() + start, &length);
  out->resize(start + length);
  return Status::OK();
}

Status DecompressSnappy(std::string_view in, size_t size, std::string* out) {
  size_t declared = 0;
  if (!snappy::GetUncompressedLength(in.data(), in.size(), &declared)) {
    return Status::Corruption("SNAPPY: damaged length header");
  }
  if (declared != size) {
    return Status::Corruption("SNAPPY: stream holds " + Str(declared) + " bytes, expected " + Str(size));
  }
  out->resize(size);
  if (!snappy::RawUncompress(in.data(), in.size(), out->data())) {
    return Status::Corruption("SNAPPY: damaged stream");
  }
  return Status::OK();
}

Status CompressZstd(std::string_view in, std::string* out, int level) {
  ZstdContexts& contexts = zstd_contexts;
  if (contexts.compress == nullptr) contexts.compress = ZSTD_createCCtx();
  if (contexts.compress == nullptr) return Status::IOError("ZSTD: cannot create a compression context");
  const size_t start = out->size();
  out->resize(start + ZSTD_compressBound(in.size()));
  const size_t length = ZSTD_compressCCtx(contexts.compress, out->data() + start, out->size() - start, in.data(),
                                          in.size(), level == 0 ? ZSTD_defaultCLevel() : level);
  if (ZSTD_isError(length)) {
    out->resize(start);
    return Status::IOError(std::string("ZSTD: ") + ZSTD_getErrorName(length));
  }
  out->resize(start + length);
  return Status::OK();
}

Status DecompressZstd(std::string_view in, size_t size, std::string* out) {
  const unsigned long long declared = ZSTD_getFrameContentSize(in.data(), in.size());
  if (declared == ZSTD_CONTENTSIZE_ERROR) return Status::Corruption("ZSTD: not a zstd frame");
  if (declared != ZSTD_CONTENTSIZE_UNKNOWN && declared > size) {
    return Status::Corruption("ZSTD: frame holds " + Str(declared) + " bytes, expected " + Str(size));
  }
  ZstdContexts& contexts = zstd_contexts;
  if (contexts.decompress == nullptr) contexts.decompress = ZSTD_createDCtx();
  if (contexts.decompress == nullptr) return Status::IOError("ZSTD: cannot create a decompression context");
  out->resize(size);
  // Capacity `size` bounds the output: a longer stream fails instead of growing.
  const size_t length = ZSTD_decompressDCtx(contexts.decompress, out->data(), size, in.data(), in.size());
  if (ZSTD_isError(length)) return Status::Corruption(std::string("ZSTD: ") + ZSTD_getErrorName(length));
  if (length != size) {
    return Status::Corruption("ZSTD: stream expands to " + Str(length) + " bytes, expected " + Str(size));
  }
  return Status::OK();
}

// zlib counts in 32-bit uInt; these hand it at most that much at a time.
void Feed(const char** next, size_t* left, Bytef** z_next, uInt* z_avail) {
  if (*z_avail != 0 || *left == 0) return;
  const size_t n = std::min<size_t>(*left, UINT_MAX);
  *z_next = reinterpret_cast<Bytef*>(const_cast<char*>(*next));
  *z_avail = static_cast<uInt>(n);
  *next += n;
  *left -= n;
}

Status CompressGzip(std::string_view in, std::string* out, int level) {
  z_stream z{};
  // 15 + 16: the largest window, with a gzip header and trailer.
  if (deflateInit2(&z, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::InvalidArgument("GZIP: cannot start compression at level " + std::to_string(level));
  }
  const size_t start = out->size();
  out->resize(start + deflateBound(&z, in.size()) + 64);
  const char* in_next = in.data();
  size_t in_left = in.size();
  const char* out_next = out->data() + start;
  size_t out_left = out->size() - start;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    Feed(&in_next, &in_left, &z.next_in, &z.avail_in);
    Feed(&out_next, &out_left, &z.next_out, &z.avail_out);
    rc = deflate(&z, in_left == 0 ? Z_FINISH : Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
  }
  const size_t written = out->size() - start - out_left - z.avail_out;
  deflateEnd(&z);
  if (rc != Z_STREAM_END) {
    out->resize(start);
    return Status::IOError("GZIP: compression failed (zlib " + std::to_string(rc) + ")");
  }
  out->resize(start + written);
  return Status::OK();
}

Status DecompressGzip(std::string_view in, size_t size, std::string* out) {
  z_stream z{};
  // 15 + 32: the largest window, with a gzip or zlib header detected.
  if (inflateInit2(&z, 15 + 32) != Z_OK) return Status::IOError("GZIP: cannot start decompression");
  out->resize(size);
  const char* in_next = in.data();
  size_t in_left = in.size();
  const char* out_next = out->data();
  size_t out_left = size;
  // zlib refuses a null buffer even when it has no room to use.
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  Status status;
  for (;;) {
    Feed(&in_next, &in_left, &z.next_in, &z.avail_in);
    Feed(&out_next, &out_left, &z.next_out, &z.avail_out);
    const int rc = inflate(&z, Z_NO_FLUSH);
    const bool input_done = z.avail_in == 0 && in_left == 0;
    const bool output_full = z.avail_out == 0 && out_left == 0;
    if (rc == Z_STREAM_END) {
      if (input_done) break;
      if (output_full) {
        status = Status::Corruption("GZIP: bytes after the end of the stream");
        break;
      }
      inflateReset(&z);  // another gzip member follows
      continue;
    }
    if (rc == Z_OK && !input_done && !output_full) continue;
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      status = Status::Corruption(output_full ? "GZIP: stream expands past the expected " + Str(size) + " bytes"
                                              : "GZIP: stream is cut off");
    } else {
      status = Status::Corruption(std::string("GZIP: damaged stream: ") + (z.msg != nullptr ? z.msg : "zlib error"));
    }
    break;
  }
  const size_t produced = size - out_left - z.avail_out;
  inflateEnd(&z);
  RETURN_IF_ERROR(status);
  if (produced != size) {
    return Status::Corruption("GZIP: stream expands to " + Str(produced) + " bytes, expected " + Str(size));
  }
  return Status::OK();
}

Status Unsupported(Codec codec) { return Status::InvalidArgument("codec " + CodecName(codec) + " is not supported"); }

}  // namespace

bool CodecSupported(Codec codec) {
  return codec == Codec::kUncompressed || codec == Codec::kSnappy || codec == Codec::kGzip || codec == Codec::kZstd;
}

Status Compress(Codec codec, std::string_view in, std::string* out, int level) {
  switch (codec) {
    case Codec::kUncompressed:
      out->append(in);
      return Status::OK();
    case Codec::kSnappy: return CompressSnappy(in, out);
    case Codec::kGzip: return CompressGzip(in, out, level);
    case Codec::kZstd: return CompressZstd(in, out, level);
    default: return Unsupported(codec);
  }
}

Status Decompress(Codec codec, std::string_view in, size_t uncompressed_size, std::string* out) {
  if (!CodecSupported(codec)) return Unsupported(codec);
  out->clear();
  if (codec == Codec::kUncompressed) {
    if (in.size() != uncompressed_size) {
      return Status::Corruption("UNCOMPRESSED: page holds " + Str(in.size()) + " bytes, expected " +
                                Str(uncompressed_size));
    }
    out->assign(in);
    return Status::OK();
  }
  if (uncompressed_size / MaxExpansion(codec) > in.size()) {
    return Status::Corruption(CodecName(codec) + ": " + Str(in.size()) + " bytes cannot expand to " +
                              Str(uncompressed_size));
  }
  switch (codec) {
    case Codec::kSnappy: return DecompressSnappy(in, uncompressed_size, out);
    case Codec::kGzip: return DecompressGzip(in, uncompressed_size, out);
    default: return DecompressZstd(in, uncompressed_size, out);
  }
}

}  // namespace strata::parquet
