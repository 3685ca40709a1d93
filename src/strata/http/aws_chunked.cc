#include "strata/http/aws_chunked.h"

#include <algorithm>
#include <cstdio>

#include "strata/base/hex.h"

namespace strata::http {
namespace {

constexpr std::string_view kSignatureExtension = ";chunk-signature=";
constexpr std::string_view kTrailerSignatureName = "x-amz-trailer-signature";
constexpr size_t kMaxSizeDigits = 16;  // 64 bits

bool IsSignedMode(PayloadMode mode) {
  return mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 9110 token characters, what a header name may be made of.
bool IsToken(std::string_view s) {
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           kExtra.find(c) != std::string_view::npos;
  });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

AwsChunkedDecoder::AwsChunkedDecoder(PayloadMode mode, ChunkSigningContext context)
    : signed_(IsSignedMode(mode)),
      trailers_allowed_(mode != PayloadMode::kStreamingSigned),
      context_(std::move(context)),
      previous_signature_(context_.seed_signature) {}

AwsChunkedDecoder::~AwsChunkedDecoder() = default;

bool AwsChunkedDecoder::done() const { return state_ == State::kDone || state_ == State::kTrailerEnd; }

S3Check AwsChunkedDecoder::Fail(S3Error error) {
  state_ = State::kFailed;
  error_ = std::move(error);
  return error_;
}

S3Error AwsChunkedDecoder::Malformed(std::string_view what) const {
  return S3Error::InvalidRequest("aws-chunked body at byte " + std::to_string(offset_) + ": " + std::string(what));
}

S3Check AwsChunkedDecoder::Feed(std::string_view in, const std::function<void(std::string_view)>& sink) {
  size_t pos = 0;
  while (pos < in.size()) {
    switch (state_) {
      case State::kFailed:
        return error_;
      case State::kDone:
        return Fail(Malformed(std::to_string(in.size() - pos) + " bytes after the end of the body"));
      case State::kChunkHeader:
      case State::kTrailer: {
        const size_t newline = in.find('\n', pos);
        const size_t end = newline == std::string_view::npos ? in.size() : newline;
        const size_t limit = state_ == State::kChunkHeader ? kMaxChunkHeaderBytes : kMaxTrailerLineBytes;
        if (line_.size() + (end - pos) > limit + 1) {  // + 1 for the CR
          return Fail(Malformed(std::string(state_ == State::kChunkHeader ? "chunk header" : "trailer") +
                                " line longer than " + std::to_string(limit) + " bytes"));
        }
        line_.append(in.substr(pos, end - pos));
        offset_ += end - pos;
        pos = end;
        if (newline == std::string_view::npos) break;
        if (line_.empty() || line_.back() != '\r') return Fail(Malformed("line not terminated by CRLF"));
        line_.pop_back();
        ++pos;
        ++offset_;
        const S3Check result = state_ == State::kChunkHeader ? OnChunkHeader() : OnTrailerLine();
        line_.clear();
        if (result) return result;
        break;
      }
      case State::kChunkData: {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(chunk_remaining_, in.size() - pos));
        const std::string_view piece = in.substr(pos, n);
        if (signed_) chunk_sha256_->Update(piece);
        sink(piece);
        decoded_bytes_ += n;
        chunk_remaining_ -= n;
        pos += n;
        offset_ += n;
        if (chunk_remaining_ == 0) {
          if (const S3Check bad = OnChunkDataEnd()) return bad;
          state_ = State::kChunkDataEnd;
          crlf_seen_ = 0;
        }
        break;
      }
      case State::kChunkDataEnd:
      case State::kTrailerEnd: {
        if (in[pos] != (crlf_seen_ == 0 ? '\r' : '\n')) {
          return Fail(Malformed(state_ == State::kChunkDataEnd
                                    ? "chunk " + std::to_string(chunk_index_) + " data not followed by CRLF"
                                    : std::string("trailer signature not followed by CRLF or the end")));
        }
        ++pos;
        ++offset_;
        if (++crlf_seen_ == 2) {
          state_ = state_ == State::kChunkDataEnd ? State::kChunkHeader : State::kDone;
          if (state_ == State::kChunkHeader) ++chunk_index_;
        }
        break;
      }
    }
  }
  return state_ == State::kFailed ? error_ : std::nullopt;
}

S3Check AwsChunkedDecoder::OnChunkHeader() {
  const std::string_view line = line_;
  size_t digits = 0;
  uint64_t size = 0;
  while (digits < line.size() && HexDigitValue(line[digits]) >= 0) {
    if (digits == kMaxSizeDigits) return Fail(Malformed("chunk size has more than 16 hex digits"));
    size = size * 16 + static_cast<uint64_t>(HexDigitValue(line[digits]));
    ++digits;
  }
  if (digits == 0) return Fail(Malformed("chunk header does not start with a hex size"));
  const std::string_view rest = line.substr(digits);
  if (signed_) {
    if (!rest.starts_with(kSignatureExtension)) {
      return Fail(Malformed("chunk header lacks \";chunk-signature=\""));
    }
    chunk_signature_ = std::string(rest.substr(kSignatureExtension.size()));
  } else if (!rest.empty() && rest.front() != ';') {
    return Fail(Malformed("chunk size followed by something other than ';'"));  // extensions are ignored
  }
  chunk_remaining_ = size;
  if (size > 0) {
    if (signed_) chunk_sha256_ = std::make_unique<Checksummer>(ChecksumAlgorithm::kSha256);
    state_ = State::kChunkData;
    return std::nullopt;
  }
  // The final chunk: nothing to hash, then the trailer section.
  if (signed_) {
    const std::string expected = ChunkSignature(context_, previous_signature_, kEmptySha256);
    if (!ConstantTimeEquals(expected, chunk_signature_)) {
      return Fail(S3Error::SignatureDoesNotMatch("aws-chunked body: final chunk " + std::to_string(chunk_index_) +
                                                 " signature does not match"));
    }
    previous_signature_ = chunk_signature_;
  }
  state_ = State::kTrailer;
  return std::nullopt;
}

S3Check AwsChunkedDecoder::OnChunkDataEnd() {
  if (!signed_) return std::nullopt;
  const std::string expected = ChunkSignature(context_, previous_signature_, ToHex(chunk_sha256_->Finish()));
  if (!ConstantTimeEquals(expected, chunk_signature_)) {
    return Fail(S3Error::SignatureDoesNotMatch("aws-chunked body: chunk " + std::to_string(chunk_index_) +
                                               " signature does not match"));
  }
  previous_signature_ = chunk_signature_;
  return std::nullopt;
}

S3Check AwsChunkedDecoder::OnTrailerLine() {
  if (line_.empty()) {
    if (signed_ && trailers_allowed_) return Fail(Malformed("trailers end without x-amz-trailer-signature"));
    state_ = State::kDone;
    return std::nullopt;
  }
  if (!trailers_allowed_) return Fail(Malformed("trailer line in a body declared without trailers"));
  const size_t colon = line_.find(':');
  const std::string_view raw_name =
      colon == std::string::npos ? std::string_view() : TrimOws(std::string_view(line_).substr(0, colon));
  if (!IsToken(raw_name)) return Fail(Malformed("trailer line is not \"name:value\""));
  const std::string name = Lower(raw_name);
  const std::string_view value = TrimOws(std::string_view(line_).substr(colon + 1));
  if (name == kTrailerSignatureName) {
    if (!signed_) return Fail(Malformed("x-amz-trailer-signature in an unsigned body"));
    const std::string expected = TrailerSignature(context_, previous_signature_, canonical_trailers_);
    if (!ConstantTimeEquals(expected, value)) {
      return Fail(S3Error::SignatureDoesNotMatch("aws-chunked body: trailer signature does not match"));
    }
    // Only an empty line (or the end of the body) may follow.
    state_ = State::kTrailerEnd;
    crlf_seen_ = 0;
    return std::nullopt;
  }
  if (trailers_.size() == kMaxTrailers) return Fail(Malformed("more than 16 trailers"));
  canonical_trailers_ += name + ":" + std::string(value) + "\n";
  trailers_.emplace_back(name, std::string(value));
  return std::nullopt;
}

S3Check AwsChunkedDecoder::Finish() {
  switch (state_) {
    case State::kFailed:
      return error_;
    case State::kDone:
      return std::nullopt;
    case State::kTrailerEnd:
      if (crlf_seen_ != 0) break;  // a lone CR
      state_ = State::kDone;
      return std::nullopt;
    case State::kTrailer:
      // Some SDKs end the body right after the last trailer line.
      if (line_.empty() && !signed_ && !trailers_.empty()) {
        state_ = State::kDone;
        return std::nullopt;
      }
      break;
    default:
      break;
  }
  std::string where = state_ == State::kTrailer     ? "in the trailers"
                      : state_ == State::kChunkData ? "in chunk " + std::to_string(chunk_index_) + " with " +
                                                          std::to_string(chunk_remaining_) + " data bytes missing"
                                                    : "before the final chunk";
  return Fail(S3Error::IncompleteBody("aws-chunked body ended after " + std::to_string(offset_) + " bytes, " + where));
}

std::string ChunkSignature(const ChunkSigningContext& context, std::string_view previous_signature,
                           std::string_view chunk_sha256_hex) {
  const std::string to_sign = "AWS4-HMAC-SHA256-PAYLOAD\n" + context.amz_date + "\n" + context.scope + "\n" +
                              std::string(previous_signature) + "\n" + std::string(kEmptySha256) + "\n" +
                              std::string(chunk_sha256_hex);
  const std::string mac = HmacSha256(context.signing_key, to_sign);
  return ToHex(mac.data(), mac.size());
}

std::string TrailerSignature(const ChunkSigningContext& context, std::string_view previous_signature,
                             std::string_view canonical_trailers) {
  const std::string to_sign = "AWS4-HMAC-SHA256-TRAILER\n" + context.amz_date + "\n" + context.scope + "\n" +
                              std::string(previous_signature) + "\n" + Sha256Hex(canonical_trailers);
  const std::string mac = HmacSha256(context.signing_key, to_sign);
  return ToHex(mac.data(), mac.size());
}

std::string EncodeAwsChunked(std::string_view payload, size_t chunk_size, PayloadMode mode,
                             const ChunkSigningContext& context,
                             const std::vector<std::pair<std::string, std::string>>& trailers) {
  const bool is_signed = IsSignedMode(mode);
  if (chunk_size == 0) chunk_size = 64 * 1024;
  std::string out;
  std::string previous = context.seed_signature;
  auto append_chunk = [&](std::string_view data) {
    char size[24];
    std::snprintf(size, sizeof(size), "%zx", data.size());
    out += size;
    if (is_signed) {
      previous = ChunkSignature(context, previous, Sha256Hex(data));
      out += std::string(kSignatureExtension) + previous;
    }
    out += "\r\n";
    out += data;
    if (!data.empty()) out += "\r\n";
  };
  for (size_t at = 0; at < payload.size(); at += chunk_size) append_chunk(payload.substr(at, chunk_size));
  append_chunk({});
  if (mode == PayloadMode::kStreamingSigned) return out + "\r\n";
  std::string canonical;
  for (const auto& [name, value] : trailers) {
    out += name + ":" + value + "\r\n";
    canonical += name + ":" + value + "\n";
  }
  if (is_signed)
    out += std::string(kTrailerSignatureName) + ":" + TrailerSignature(context, previous, canonical) + "\r\n";
  return out + "\r\n";
}

}  // namespace strata::http
