#include "strata/base/config.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <system_error>

#include <toml++/toml.h>

#include "strata/base/byte_size.h"
#include "strata/base/config_reader.h"
#include "strata/base/file_io.h"

namespace strata {

std::string CodeSpec::ToString() const { return std::to_string(k) + "+" + std::to_string(m); }

Result<CodeSpec> ParseCodeSpec(std::string_view text) {
  const std::string quoted = "code '" + std::string(text) + "'";
  size_t plus = text.find('+');
  if (plus == std::string_view::npos) {
    return Status::InvalidArgument(quoted + " must be written k+m, like \"4+2\"");
  }
  // Digits only; large counts saturate, since anything over 32 is refused below.
  auto parse_count = [](std::string_view digits, int* out) {
    if (digits.empty()) return false;
    *out = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      *out = std::min(*out * 10 + (c - '0'), 1000);
    }
    return true;
  };
  CodeSpec code;
  if (!parse_count(text.substr(0, plus), &code.k) || !parse_count(text.substr(plus + 1), &code.m)) {
    return Status::InvalidArgument(quoted + " must be written k+m with whole numbers, like \"4+2\"");
  }
  if (code.k < 1) return Status::InvalidArgument(quoted + ": k must be at least 1");
  if (code.width() > 32) {
    return Status::InvalidArgument(quoted + ": k+m must be at most 32");
  }
  return code;
}

namespace {

constexpr uint64_t kMinUnitSize = 4u << 10;
constexpr uint64_t kMaxUnitSize = 64u << 20;
constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error", "off"};

std::string FormatDouble(double value) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%g", value);
  return buf;
}

// A TOML basic string: quotes, backslashes and control characters escaped.
std::string QuoteTomlString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

// "1MiB" when the size is a whole number of a binary unit, else the bytes;
// ParseByteSize reads either back exactly.
std::string RenderByteSize(uint64_t bytes) {
  static constexpr std::string_view kSuffixes[] = {"TiB", "GiB", "MiB", "KiB"};
  static constexpr int kShifts[] = {40, 30, 20, 10};
  for (int i = 0; i < 4; ++i) {
    uint64_t unit = uint64_t{1} << kShifts[i];
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + std::string(kSuffixes[i]);
  }
  return std::to_string(bytes);
}

// The shortest text that reads back to the same double, always with a '.' or
// an exponent so that TOML sees a float.
std::string RenderDouble(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  std::string text(buf, ec == std::errc() ? end : buf);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

}  // namespace

namespace config_internal {

Status ConfigReader::Read(const toml::table& root, StoreConfig* config) {
  for (const auto& [key, node] : root) {
    if (key.str() == "store") {
      RETURN_IF_ERROR(ReadStore(key, node, config));
    } else if (key.str() == "layout") {
      RETURN_IF_ERROR(ReadLayout(key, node, config));
    } else if (key.str() == "server") {
      RETURN_IF_ERROR(ReadServer(key, node, &config->server));
    } else if (key.str() == "users") {
      RETURN_IF_ERROR(ReadUsers(key, node, &config->users));
    } else if (key.str() == "retention") {
      RETURN_IF_ERROR(ReadRetention(key, node, &config->retention));
    } else if (key.str() == "tiers") {
      RETURN_IF_ERROR(ReadTiers(key, node, &config->tiers));
    } else if (key.str() == "policies") {
      RETURN_IF_ERROR(ReadPolicies(key, node, &config->policies));
    } else if (node.is_table()) {
      return Error(key.source(), "unknown table [" + std::string(key.str()) + "]");
    } else {
      return Error(key.source(), "unknown key '" + std::string(key.str()) +
                                     "' (settings belong in [store], [layout], [server], [[users]], [[retention]], "
                                     "[[tiers]] or [[policies]])");
    }
  }
  return CheckTierNames(config);
}

Status ConfigReader::ReadStore(const toml::key& table_key, const toml::node& node, StoreConfig* config) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return Error(table_key.source(), "'store' must be a table: [store]");
  for (const auto& [key, value] : *table) {
    std::string_view name = key.str();
    if (name == "unit_size") {
      ASSIGN_OR_RETURN(uint64_t size, ReadByteSize(key, value, "store"));
      if (size < kMinUnitSize || size > kMaxUnitSize || (size & (size - 1)) != 0) {
        return Error(key.source(), "unit_size in [store] must be a power of two from 4KiB to 64MiB, got " +
                                       std::to_string(size));
      }
      config->unit_size = static_cast<uint32_t>(size);
    } else if (name == "small_object_threshold") {
      ASSIGN_OR_RETURN(config->small_object_threshold, ReadByteSize(key, value, "store"));
    } else if (name == "pack_target_size") {
      ASSIGN_OR_RETURN(config->pack_target_size, ReadByteSize(key, value, "store"));
      if (config->pack_target_size == 0) {
        return Error(key.source(), "pack_target_size in [store] must be greater than zero");
      }
    } else if (name == "compact_below_live_ratio") {
      double ratio = 0;
      if (auto f = value.as_floating_point()) {
        ratio = f->get();
      } else if (auto i = value.as_integer()) {
        ratio = static_cast<double>(i->get());
      } else {
        return Error(key.source(), "compact_below_live_ratio in [store] must be a number from 0 to 1");
      }
      if (!(ratio >= 0.0 && ratio <= 1.0)) {
        return Error(key.source(), "compact_below_live_ratio in [store] must be from 0 to 1, got " +
                                       FormatDouble(ratio));
      }
      config->compact_below_live_ratio = ratio;
    } else if (name == "catalog") {
      ASSIGN_OR_RETURN(config->catalog, ReadString(key, value, "store"));
      if (config->catalog.empty()) return Error(key.source(), "catalog in [store] must not be empty");
    } else if (name == "log_level") {
      ASSIGN_OR_RETURN(std::string level, ReadString(key, value, "store"));
      bool known = false;
      for (std::string_view candidate : kLogLevels) known = known || level == candidate;
      if (!known) {
        return Error(key.source(), "log_level in [store] is '" + level +
                                       "'; use trace, debug, info, warn, error or off");
      }
      config->log_level = level;
    } else {
      return Error(key.source(), "unknown key '" + std::string(name) + "' in [store]");
    }
  }
  return Status::OK();
}

Status ConfigReader::ReadLayout(const toml::key& table_key, const toml::node& node, StoreConfig* config) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return Error(table_key.source(), "'layout' must be a table: [layout]");
  for (const auto& [key, value] : *table) {
    std::string_view name = key.str();
    CodeSpec* target = nullptr;
    if (name == "write_tier") {
      ASSIGN_OR_RETURN(config->write_tier, ReadString(key, value, "layout"));
      write_tier_at_ = key.source();
      continue;
    }
    if (name == "level1") {
      target = &config->level1;
    } else if (name == "level2") {
      target = &config->level2;
    } else {
      return Error(key.source(), "unknown key '" + std::string(name) + "' in [layout]");
    }
    ASSIGN_OR_RETURN(std::string text, ReadString(key, value, "layout"));
    Result<CodeSpec> code = ParseCodeSpec(text);
    if (!code.ok()) {
      return Error(key.source(), std::string(name) + " in [layout]: " + code.status().message());
    }
    *target = *code;
  }
  return Status::OK();
}

Result<uint64_t> ConfigReader::ReadByteSize(const toml::key& key, const toml::node& value, std::string_view table) {
  if (auto i = value.as_integer()) {
    if (i->get() < 0) return Error(key.source(), Where(key, table) + " must not be negative");
    return static_cast<uint64_t>(i->get());
  }
  if (auto s = value.as_string()) {
    Result<uint64_t> size = ParseByteSize(s->get());
    if (!size.ok()) return Error(key.source(), Where(key, table) + ": " + size.status().message());
    return *size;
  }
  return Error(key.source(), Where(key, table) + " must be a size such as \"1MiB\" or a number of bytes");
}

Result<std::string> ConfigReader::ReadString(const toml::key& key, const toml::node& value, std::string_view table) {
  if (auto s = value.as_string()) return s->get();
  return Error(key.source(), Where(key, table) + " must be a string");
}

std::string ConfigReader::Where(const toml::key& key, std::string_view table) {
  return std::string(key.str()) + " in [" + std::string(table) + "]";
}

Status ConfigReader::Error(const toml::source_region& where, const std::string& message) const {
  return Status::InvalidArgument(std::string(file_name_) + " line " + std::to_string(where.begin.line) + ": " +
                                 message);
}

}  // namespace config_internal

Result<StoreConfig> ParseConfig(std::string_view text, std::string_view file_name) {
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& error) {
    return Status::InvalidArgument(std::string(file_name) + " line " + std::to_string(error.source().begin.line) +
                                   ": " + std::string(error.description()));
  }
  StoreConfig config;
  RETURN_IF_ERROR(config_internal::ConfigReader(file_name).Read(root, &config));
  return config;
}

Result<StoreConfig> LoadConfig(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(*PosixFileSystem::Default(), path));
  size_t slash = path.find_last_of('/');
  std::string base_name = slash == std::string::npos ? path : path.substr(slash + 1);
  return ParseConfig(text, base_name);
}

std::string RenderConfig(const StoreConfig& config) {
  std::string out;
  out += "# Strata store settings. Sizes take B, KiB, MiB, GiB or TiB (\"1MiB\") or a number of bytes.\n";
  out += "\n[store]\n";
  out += "# Erasure-coding unit: a power of two from 4KiB to 64MiB.\n";
  out += "unit_size = " + QuoteTomlString(RenderByteSize(config.unit_size)) + "\n";
  out += "# Objects smaller than this are packed many to a pack object.\n";
  out += "small_object_threshold = " + QuoteTomlString(RenderByteSize(config.small_object_threshold)) + "\n";
  out += "# A pack is sealed when it reaches this size.\n";
  out += "pack_target_size = " + QuoteTomlString(RenderByteSize(config.pack_target_size)) + "\n";
  out += "# Packs whose live fraction falls below this are rewritten (0 to 1).\n";
  out += "compact_below_live_ratio = " + RenderDouble(config.compact_below_live_ratio) + "\n";
  out += "# The catalog database, relative to the store root.\n";
  out += "catalog = " + QuoteTomlString(config.catalog) + "\n";
  out += "# One of trace, debug, info, warn, error, off.\n";
  out += "log_level = " + QuoteTomlString(config.log_level) + "\n";
  out += "\n[layout]\n";
  out += "# Erasure codes \"k+m\" (k >= 1, k+m <= 32): level 1 across nodes, level 2 across a node's drives.\n";
  out += "level1 = " + QuoteTomlString(config.level1.ToString()) + "\n";
  out += "level2 = " + QuoteTomlString(config.level2.ToString()) + "\n";
  out += "# New objects are written to this tier (default: the first of [[tiers]]).\n";
  out += (config.write_tier.empty() ? "# write_tier = \"hot\"" : "write_tier = " + QuoteTomlString(config.write_tier)) +
         "\n";

  const ServerConfig& server = config.server;
  out += "\n[server]\n";
  out += "# The S3 endpoint: host:port, or [ipv6]:port.\n";
  out += "listen = " + QuoteTomlString(server.listen) + "\n";
  out += "# HTTPS: PEM files of the certificate chain and its private key; both or neither.\n";
  if (server.tls_certificate.empty() && server.tls_key.empty()) {
    out += "# tls_certificate = \"/etc/strata/cert.pem\"\n";
    out += "# tls_key = \"/etc/strata/key.pem\"\n";
  } else {
    out += "tls_certificate = " + QuoteTomlString(server.tls_certificate) + "\n";
    out += "tls_key = " + QuoteTomlString(server.tls_key) + "\n";
  }
  out += "# The region clients sign requests for.\n";
  out += "region = " + QuoteTomlString(server.region) + "\n";
  out += "# A keep-alive connection without a request is closed after this long.\n";
  out += "idle_timeout_seconds = " + std::to_string(server.idle_timeout_seconds) + "\n";
  out += "# A request that makes no progress (a stalled client) for this long is dropped.\n";
  out += "request_timeout_seconds = " + std::to_string(server.request_timeout_seconds) + "\n";
  out += "max_connections = " + std::to_string(server.max_connections) + "\n";
  out += "# On SIGTERM, requests in flight get this long to finish.\n";
  out += "shutdown_grace_seconds = " + std::to_string(server.shutdown_grace_seconds) + "\n";
  out += "# Multipart uploads neither completed nor aborted are removed after this long.\n";
  out += "multipart_expiry_seconds = " + std::to_string(server.multipart_expiry_seconds) + "\n";
  out += "# Every this often the server carries out the plan of [[policies]] and stagings (0 = never).\n";
  out += "placement_interval_seconds = " + std::to_string(server.placement_interval_seconds) + "\n";
  out += "# Tier moves copy at most this much per second (0 = no limit).\n";
  out += "move_rate = " + QuoteTomlString(RenderByteSize(server.move_rate)) + "\n";
  out += "# Origins browsers may call from: \"*\", or \"https://host[:port]\"; [] turns CORS off.\n";
  out += "cors_origins = [";
  for (size_t i = 0; i < server.cors_origins.size(); ++i) {
    out += (i == 0 ? "" : ", ") + QuoteTomlString(server.cors_origins[i]);
  }
  out += "]\n";

  out += "\n# S3 users, one [[users]] table each, with unique names and access keys. The secret\n";
  out += "# keys are in this file: keep it readable by the server's user only.\n";
  if (config.users.empty()) {
    out += "# [[users]]\n";
    out += "# name = \"admin\"\n";
    out += "# access_key = \"SKEXAMPLEEXAMPLE0000\"        # 3-128 of A-Z a-z 0-9 . _ -\n";
    out += "# secret_key = \"change-me-to-a-long-secret\" # 8-128 printable ASCII, no spaces\n";
  }
  for (const UserConfig& user : config.users) {
    out += "[[users]]\n";
    out += "name = " + QuoteTomlString(user.name) + "\n";
    out += "access_key = " + QuoteTomlString(user.access_key) + "\n";
    out += "secret_key = " + QuoteTomlString(user.secret_key) + "\n";
  }

  out += "\n# Retention: objects under a prefix expire this many days after they were last\n";
  out += "# written, listed with a warning warn_days before (strata retention).\n";
  if (config.retention.empty()) {
    out += "# [[retention]]\n";
    out += "# prefix = \"microscope/movies/\"   # bucket/ or bucket/prefix; the longest match applies\n";
    out += "# expire_after_days = 60\n";
    out += "# warn_days = 14\n";
  }
  for (const RetentionRule& rule : config.retention) {
    out += "[[retention]]\n";
    out += "prefix = " + QuoteTomlString(rule.prefix) + "\n";
    out += "expire_after_days = " + std::to_string(rule.expire_after_days) + "\n";
    out += "warn_days = " + std::to_string(rule.warn_days) + "\n";
  }

  out += "\n# Tiers: pools of drives of one media class, each with its own codes (default:\n";
  out += "# [layout]). Without [[tiers]] a store has one tier, \"default\".\n";
  for (const TierConfig& tier : config.tiers) {
    out += "[[tiers]]\n";
    out += "name = " + QuoteTomlString(tier.name) + "\n";
    if (!tier.media.empty()) out += "media = " + QuoteTomlString(tier.media) + "\n";
    out += "level1 = " + QuoteTomlString(tier.level1.ToString()) + "\n";
    out += "level2 = " + QuoteTomlString(tier.level2.ToString()) + "\n";
  }

  out += "\n# Placement policies: datasets meeting every condition of a rule belong on its\n";
  out += "# tier; the first matching rule applies (strata plan shows, strata apply moves).\n";
  if (config.policies.empty()) {
    out += "# [[policies]]\n";
    out += "# name = \"cold-after-30-days\"\n";
    out += "# min_idle_days = 30       # also: prefix, min_age_days, max_idle_days, min_size, max_size,\n";
    out += "#                          # popularity_below, popularity_at_least\n";
    out += "# tier = \"capacity\"\n";
    out += "# replicas = 2            # copies on distinct nodes; reads spread over them\n";
  }
  for (const PolicyRule& rule : config.policies) {
    out += "[[policies]]\n";
    out += "name = " + QuoteTomlString(rule.name) + "\n";
    if (!rule.prefix.empty()) out += "prefix = " + QuoteTomlString(rule.prefix) + "\n";
    if (rule.min_age_days) out += "min_age_days = " + std::to_string(rule.min_age_days) + "\n";
    if (rule.min_idle_days) out += "min_idle_days = " + std::to_string(rule.min_idle_days) + "\n";
    if (rule.max_idle_days) out += "max_idle_days = " + std::to_string(rule.max_idle_days) + "\n";
    if (rule.min_size) out += "min_size = " + QuoteTomlString(RenderByteSize(rule.min_size)) + "\n";
    if (rule.max_size) out += "max_size = " + QuoteTomlString(RenderByteSize(rule.max_size)) + "\n";
    if (rule.popularity_below >= 0) out += "popularity_below = " + RenderDouble(rule.popularity_below) + "\n";
    if (rule.popularity_at_least >= 0) {
      out += "popularity_at_least = " + RenderDouble(rule.popularity_at_least) + "\n";
    }
    out += "tier = " + QuoteTomlString(rule.tier) + "\n";
    if (rule.replicas) out += "replicas = " + std::to_string(rule.replicas) + "\n";
  }
  return out;
}

}  // namespace strata
