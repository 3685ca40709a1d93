// Page codecs: round trips at several sizes, the formats other writers produce
// (zlib headers, concatenated gzip members, zstd frames without a content
// size), and damaged streams or wrong sizes refused without a crash.
#include "strata/parquet/compression.h"

#include <zlib.h>
#include <zstd.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "strata/testing/status_macros.h"
#include "strata/testing/temp_dir.h"

namespace strata::parquet {
namespace {

constexpr Codec kCodecs[] = {Codec::kUncompressed, Codec::kSnappy, Codec::kGzip, Codec::kZstd};
constexpr Codec kCompressing[] = {Codec::kSnappy, Codec::kGzip, Codec::kZstd};

// Text-like data that compresses, so the codecs take their real paths.
std::string Compressible(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  static const char* kWords[] = {"sensor", "reading", "42.17", "station-7", "2026-11-21T10:00:00Z", ",", "\n"};
  std::string out;
  while (out.size() < size) out += kWords[rng() % std::size(kWords)];
  out.resize(size);
  return out;
}

TEST(CompressionTest, SupportedCodecs) {
  for (Codec codec : kCodecs) EXPECT_TRUE(CodecSupported(codec));
  for (Codec codec : {Codec::kLzo, Codec::kBrotli, Codec::kLz4, Codec::kLz4Raw, static_cast<Codec>(99)}) {
    EXPECT_FALSE(CodecSupported(codec));
  }
  std::string out;
  const Status compress = Compress(Codec::kLz4, "abc", &out);
  EXPECT_EQ(compress.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(compress.message(), "codec LZ4 is not supported");
  EXPECT_EQ(Decompress(Codec::kBrotli, "abc", 3, &out).code(), StatusCode::kInvalidArgument);
}

TEST(CompressionTest, RoundTripsAndAppends) {
  for (Codec codec : kCodecs) {
    for (size_t size : {0, 1, 100, 70000, 1 << 20}) {
      for (const std::string& input : {Compressible(size, size), testing::RandomBytes(size, size)}) {
        std::string compressed = "prefix";
        ASSERT_OK(Compress(codec, input, &compressed));
        ASSERT_EQ(compressed.substr(0, 6), "prefix");
        std::string output = "stale contents";
        const Status status = Decompress(codec, std::string_view(compressed).substr(6), input.size(), &output);
        ASSERT_TRUE(status.ok()) << CodecName(codec) << " " << size << ": " << status.ToString();
        ASSERT_EQ(output, input) << CodecName(codec) << " " << size;
      }
    }
  }
}

TEST(CompressionTest, LevelsAreHonoured) {
  const std::string input = Compressible(200000, 3);
  for (Codec codec : {Codec::kGzip, Codec::kZstd}) {
    std::string fast, small;
    ASSERT_OK(Compress(codec, input, &fast, 1));
    ASSERT_OK(Compress(codec, input, &small, 9));
    EXPECT_LE(small.size(), fast.size()) << CodecName(codec);
    std::string output;
    ASSERT_OK(Decompress(codec, small, input.size(), &output));
    EXPECT_EQ(output, input);
  }
  std::string out;
  EXPECT_FALSE(Compress(Codec::kGzip, input, &out, 42).ok());
}

TEST(CompressionTest, WrongSizeIsCorruption) {
  const std::string input = Compressible(5000, 4);
  for (Codec codec : kCodecs) {
    std::string compressed;
    ASSERT_OK(Compress(codec, input, &compressed));
    for (size_t size : {input.size() - 1, input.size() + 1, size_t{0}}) {
      std::string output;
      const Status status = Decompress(codec, compressed, size, &output);
      EXPECT_EQ(status.code(), StatusCode::kCorruption) << CodecName(codec) << " " << size;
      EXPECT_NE(status.message().find(CodecName(codec)), std::string::npos) << status.message();
    }
  }
}

TEST(CompressionTest, ImpossibleSizesAreRefusedBeforeAllocating) {
  for (Codec codec : kCodecs) {
    std::string output;
    EXPECT_EQ(Decompress(codec, "tiny", size_t{1} << 40, &output).code(), StatusCode::kCorruption);
    EXPECT_LT(output.capacity(), 1024u);
  }
}

TEST(CompressionTest, TruncatedStreamsAreRefused) {
  const std::string input = Compressible(3000, 5);
  for (Codec codec : kCompressing) {
    std::string compressed;
    ASSERT_OK(Compress(codec, input, &compressed));
    for (size_t cut = 0; cut < compressed.size(); ++cut) {
      const std::string prefix = compressed.substr(0, cut);
      std::string output;
      EXPECT_EQ(Decompress(codec, prefix, input.size(), &output).code(), StatusCode::kCorruption)
          << CodecName(codec) << " cut " << cut;
    }
  }
}

TEST(CompressionTest, DamagedStreamsNeverCrash) {
  const std::string input = Compressible(3000, 6);
  std::mt19937_64 rng(6);
  for (Codec codec : kCompressing) {
    std::string compressed;
    ASSERT_OK(Compress(codec, input, &compressed));
    int refused = 0;
    for (int trial = 0; trial < 500; ++trial) {
      std::string damaged = compressed;
      for (int flips = 0; flips < 3; ++flips) damaged[rng() % damaged.size()] ^= static_cast<char>(1 << (rng() % 8));
      std::string output;
      const Status status = Decompress(codec, damaged, input.size(), &output);
      // Snappy and zstd frames carry no checksum: a flipped literal decodes
      // to other bytes of the right length.
      if (status.ok()) {
        EXPECT_EQ(output.size(), input.size());
      } else {
        EXPECT_EQ(status.code(), StatusCode::kCorruption);
        ++refused;
      }
    }
    EXPECT_GT(refused, 0) << CodecName(codec);
    std::string output;
    EXPECT_EQ(Decompress(codec, testing::RandomBytes(1000, 7), 3000, &output).code(), StatusCode::kCorruption);
  }
}

TEST(CompressionTest, GzipAcceptsZlibHeadersAndConcatenatedMembers) {
  const std::string input = Compressible(10000, 8);
  std::string zlib_stream(compressBound(input.size()), '\0');
  uLongf length = zlib_stream.size();
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(zlib_stream.data()), &length,
                      reinterpret_cast<const Bytef*>(input.data()), input.size(), 6),
            Z_OK);
  zlib_stream.resize(length);
  std::string output;
  ASSERT_OK(Decompress(Codec::kGzip, zlib_stream, input.size(), &output));
  EXPECT_EQ(output, input);

  std::string members;
  ASSERT_OK(Compress(Codec::kGzip, input.substr(0, 4000), &members));
  ASSERT_OK(Compress(Codec::kGzip, input.substr(4000), &members));
  ASSERT_OK(Decompress(Codec::kGzip, members, input.size(), &output));
  EXPECT_EQ(output, input);

  // Bytes after a complete stream that already filled the page.
  std::string trailing;
  ASSERT_OK(Compress(Codec::kGzip, input, &trailing));
  trailing += "junk";
  EXPECT_EQ(Decompress(Codec::kGzip, trailing, input.size(), &output).code(), StatusCode::kCorruption);
}

TEST(CompressionTest, ZstdFramesWithoutContentSize) {
  const std::string input = Compressible(100000, 9);
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ASSERT_NE(context, nullptr);
  ASSERT_EQ(ZSTD_isError(ZSTD_CCtx_setParameter(context, ZSTD_c_contentSizeFlag, 0)), 0u);
  std::string frame(ZSTD_compressBound(input.size()), '\0');
  ZSTD_outBuffer out{frame.data(), frame.size(), 0};
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  const size_t rc = ZSTD_compressStream2(context, &out, &in, ZSTD_e_end);
  ZSTD_freeCCtx(context);
  ASSERT_EQ(rc, 0u);
  frame.resize(out.pos);
  ASSERT_EQ(ZSTD_getFrameContentSize(frame.data(), frame.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  std::string output;
  ASSERT_OK(Decompress(Codec::kZstd, frame, input.size(), &output));
  EXPECT_EQ(output, input);
  EXPECT_EQ(Decompress(Codec::kZstd, frame, input.size() - 1, &output).code(), StatusCode::kCorruption);
}

TEST(CompressionTest, ThreadsShareNothing) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      for (int i = 0; i < 50; ++i) {
        const std::string input = Compressible(10000 + 100 * i, t * 1000 + i);
        std::string compressed, output;
        if (!Compress(Codec::kZstd, input, &compressed, 1 + i % 5).ok() ||
            !Decompress(Codec::kZstd, compressed, input.size(), &output).ok() || output != input) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace strata::parquet
