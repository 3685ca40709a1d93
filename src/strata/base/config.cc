#include "strata/base/config.h"

#include <arpa/inet.h>
#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#include <toml++/toml.h>

#include "strata/base/byte_size.h"
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

bool IsAsciiAlnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// Checks `text` is `min`..`max` characters, each alphanumeric or in `extra`.
Status CheckToken(std::string_view what, std::string_view text, size_t min, size_t max, std::string_view extra,
                  std::string_view allowed_description) {
  const std::string quoted = std::string(what) + " '" + std::string(text) + "'";
  if (text.size() < min || text.size() > max) {
    return Status::InvalidArgument(quoted + " must be " + std::to_string(min) + " to " + std::to_string(max) +
                                   " characters long");
  }
  for (char c : text) {
    if (!IsAsciiAlnum(c) && extra.find(c) == std::string_view::npos) {
      return Status::InvalidArgument(quoted + " may only contain " + std::string(allowed_description));
    }
  }
  return Status::OK();
}

// A DNS name or dotted IPv4 address: labels of letters, digits and '-'.
bool IsHostName(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  if (host.find_first_not_of("0123456789.") == std::string_view::npos) {
    std::string copy(host);
    in_addr address;
    return inet_pton(AF_INET, copy.c_str(), &address) == 1;
  }
  size_t start = 0;
  while (start <= host.size()) {
    size_t dot = host.find('.', start);
    std::string_view label = host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!IsAsciiAlnum(c) && c != '-') return false;
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return true;
}

}  // namespace

Result<std::pair<std::string, uint16_t>> ParseListenAddress(std::string_view text) {
  const std::string quoted = "listen address '" + std::string(text) + "'";
  std::string host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return Status::InvalidArgument(quoted + " must be written [ipv6]:port, like \"[::1]:9000\"");
    }
    host = std::string(text.substr(1, close - 1));
    port_text = text.substr(close + 2);
    in6_addr address;
    if (inet_pton(AF_INET6, host.c_str(), &address) != 1) {
      return Status::InvalidArgument(quoted + ": '" + host + "' is not an IPv6 address");
    }
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument(quoted + " must be written host:port, like \"127.0.0.1:9000\"");
    }
    host = std::string(text.substr(0, colon));
    port_text = text.substr(colon + 1);
    if (host.empty()) {
      return Status::InvalidArgument(quoted + " has no host; use 0.0.0.0:PORT or [::]:PORT for every address");
    }
    if (host.find(':') != std::string::npos) {
      return Status::InvalidArgument(quoted + ": an IPv6 address must be in brackets, like \"[::1]:9000\"");
    }
    if (!IsHostName(host)) {
      return Status::InvalidArgument(quoted + ": '" + host + "' is not a host name or IPv4 address");
    }
  }
  unsigned port = 0;
  bool digits = !port_text.empty() && port_text.size() <= 5;
  for (char c : port_text) {
    if (c < '0' || c > '9') digits = false;
    if (digits) port = port * 10 + static_cast<unsigned>(c - '0');
  }
  if (!digits || port < 1 || port > 65535) {
    return Status::InvalidArgument(quoted + ": the port must be a number from 1 to 65535");
  }
  return std::make_pair(std::move(host), static_cast<uint16_t>(port));
}

Status CheckUserName(std::string_view name) {
  return CheckToken("user name", name, 1, 64, "._@-", "letters, digits, '.', '_', '@' and '-'");
}

// Access keys travel in the Credential field of SigV4 ("AKID/date/region/..."),
// so '/', ',', '=' and spaces are kept out of them.
Status CheckAccessKey(std::string_view access_key) {
  return CheckToken("access key", access_key, 3, 128, "._-", "letters, digits, '.', '_' and '-'");
}

// Printable ASCII only: a secret is an HMAC key, and non-ASCII text could be
// encoded differently by a client than it is here.
Status CheckSecretKey(std::string_view secret_key) {
  if (secret_key.size() < 8 || secret_key.size() > 128) {
    return Status::InvalidArgument("secret key must be 8 to 128 characters long, got " +
                                   std::to_string(secret_key.size()));
  }
  for (char c : secret_key) {
    if (c < 0x21 || c > 0x7e) {
      return Status::InvalidArgument("secret key may only contain printable ASCII characters, without spaces");
    }
  }
  return Status::OK();
}

namespace {

void FillRandom(unsigned char* out, size_t size) {
  size_t got = 0;
  while (got < size) {
    ssize_t n = getrandom(out + got, size - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");  // the OS has no entropy source: unrecoverable
    }
    got += static_cast<size_t>(n);
  }
}

// `count` characters drawn uniformly from `alphabet`: bytes at or above the
// largest multiple of the alphabet size are thrown away, so no character is
// more likely than another.
std::string RandomString(std::string_view alphabet, size_t count) {
  const unsigned limit = 256 - 256 % alphabet.size();
  std::string out;
  unsigned char buffer[64];
  while (out.size() < count) {
    FillRandom(buffer, sizeof(buffer));
    for (unsigned char b : buffer) {
      if (b < limit && out.size() < count) out += alphabet[b % alphabet.size()];
    }
  }
  return out;
}

}  // namespace

UserConfig NewUserConfig(std::string name) {
  constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  constexpr std::string_view kAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  UserConfig user;
  user.name = std::move(name);
  user.access_key = "SK" + RandomString(kUpperAlnum, 18);
  user.secret_key = RandomString(kAlnum, 40);
  return user;
}

namespace {

constexpr uint64_t kMinUnitSize = 4u << 10;
constexpr uint64_t kMaxUnitSize = 64u << 20;
constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error", "off"};

// Reads the keys of one TOML document into a StoreConfig. Every message it
// produces starts with "<file> line <n>: ".
class ConfigReader {
 public:
  explicit ConfigReader(std::string_view file_name) : file_name_(file_name) {}

  Status Read(const toml::table& root, StoreConfig* config) {
    for (const auto& [key, node] : root) {
      if (key.str() == "store") {
        RETURN_IF_ERROR(ReadStore(key, node, config));
      } else if (key.str() == "layout") {
        RETURN_IF_ERROR(ReadLayout(key, node, config));
      } else if (key.str() == "server") {
        RETURN_IF_ERROR(ReadServer(key, node, &config->server));
      } else if (key.str() == "users") {
        RETURN_IF_ERROR(ReadUsers(key, node, &config->users));
      } else if (node.is_table()) {
        return Error(key.source(), "unknown table [" + std::string(key.str()) + "]");
      } else {
        return Error(key.source(), "unknown key '" + std::string(key.str()) +
                                       "' (settings belong in [store], [layout], [server] or [[users]])");
      }
    }
    return Status::OK();
  }

 private:
  Status ReadStore(const toml::key& table_key, const toml::node& node, StoreConfig* config) {
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

  Status ReadLayout(const toml::key& table_key, const toml::node& node, StoreConfig* config) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return Error(table_key.source(), "'layout' must be a table: [layout]");
    for (const auto& [key, value] : *table) {
      std::string_view name = key.str();
      CodeSpec* target = nullptr;
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

  Status ReadServer(const toml::key& table_key, const toml::node& node, ServerConfig* server) {
    const toml::table* table = node.as_table();
    if (table == nullptr) return Error(table_key.source(), "'server' must be a table: [server]");
    std::optional<toml::source_region> certificate_at, key_at;
    for (const auto& [key, value] : *table) {
      std::string_view name = key.str();
      if (name == "listen") {
        ASSIGN_OR_RETURN(server->listen, ReadString(key, value, "server"));
        Result<std::pair<std::string, uint16_t>> address = ParseListenAddress(server->listen);
        if (!address.ok()) return Error(key.source(), "listen in [server]: " + address.status().message());
      } else if (name == "tls_certificate") {
        ASSIGN_OR_RETURN(server->tls_certificate, ReadString(key, value, "server"));
        if (!server->tls_certificate.empty()) certificate_at = key.source();
      } else if (name == "tls_key") {
        ASSIGN_OR_RETURN(server->tls_key, ReadString(key, value, "server"));
        if (!server->tls_key.empty()) key_at = key.source();
      } else if (name == "region") {
        ASSIGN_OR_RETURN(server->region, ReadString(key, value, "server"));
        Status valid = CheckToken("region", server->region, 1, 64, "._-", "letters, digits, '.', '_' and '-'");
        if (!valid.ok()) return Error(key.source(), "region in [server]: " + valid.message());
      } else if (name == "idle_timeout_seconds") {
        ASSIGN_OR_RETURN(server->idle_timeout_seconds, ReadInteger<uint32_t>(key, value, "server", 1, kDay));
      } else if (name == "request_timeout_seconds") {
        ASSIGN_OR_RETURN(server->request_timeout_seconds, ReadInteger<uint32_t>(key, value, "server", 1, kDay));
      } else if (name == "max_connections") {
        ASSIGN_OR_RETURN(server->max_connections, ReadInteger<uint32_t>(key, value, "server", 1, 1000000));
      } else if (name == "shutdown_grace_seconds") {
        ASSIGN_OR_RETURN(server->shutdown_grace_seconds, ReadInteger<uint32_t>(key, value, "server", 0, kDay));
      } else if (name == "multipart_expiry_seconds") {
        ASSIGN_OR_RETURN(server->multipart_expiry_seconds,
                         ReadInteger<uint64_t>(key, value, "server", 1, kHundredYears));
      } else if (name == "cors_origins") {
        const toml::array* origins = value.as_array();
        if (origins == nullptr) {
          return Error(key.source(), "cors_origins in [server] must be a list of strings, like [\"*\"]");
        }
        server->cors_origins.clear();
        for (const toml::node& origin : *origins) {
          const auto* text = origin.as_string();
          if (text == nullptr) {
            return Error(origin.source(), "cors_origins in [server] must be a list of strings, like [\"*\"]");
          }
          if (!IsCorsOrigin(text->get())) {
            return Error(origin.source(), "cors_origins in [server]: '" + text->get() +
                                              "' is not \"*\" or an origin like \"https://app.example.com:8443\"");
          }
          server->cors_origins.push_back(text->get());
        }
      } else {
        return Error(key.source(), "unknown key '" + std::string(name) + "' in [server]");
      }
    }
    if (certificate_at.has_value() != key_at.has_value()) {
      const bool has_certificate = certificate_at.has_value();
      return Error(has_certificate ? *certificate_at : *key_at,
                   std::string(has_certificate ? "tls_certificate" : "tls_key") + " in [server] is set but " +
                       (has_certificate ? "tls_key" : "tls_certificate") + " is not; give both or neither");
    }
    return Status::OK();
  }

  Status ReadUsers(const toml::key& array_key, const toml::node& node, std::vector<UserConfig>* users) {
    const toml::array* array = node.as_array();
    if (array == nullptr) return Error(array_key.source(), "'users' must be an array of tables: [[users]]");
    // Where each accepted user's name and key were, for messages about duplicates.
    std::vector<std::pair<uint32_t, uint32_t>> lines;
    for (const toml::node& element : *array) {
      const toml::table* table = element.as_table();
      if (table == nullptr) {
        return Error(element.source(), "each entry of 'users' must be a table: [[users]] with name, access_key "
                                       "and secret_key");
      }
      UserConfig user;
      std::optional<toml::source_region> name_at, access_key_at, secret_key_at;
      for (const auto& [key, value] : *table) {
        std::string_view field = key.str();
        std::string* target = nullptr;
        Status (*check)(std::string_view) = nullptr;
        std::optional<toml::source_region>* at = nullptr;
        if (field == "name") {
          target = &user.name, check = CheckUserName, at = &name_at;
        } else if (field == "access_key") {
          target = &user.access_key, check = CheckAccessKey, at = &access_key_at;
        } else if (field == "secret_key") {
          target = &user.secret_key, check = CheckSecretKey, at = &secret_key_at;
        } else {
          return Error(key.source(), "unknown key '" + std::string(field) + "' in [[users]]");
        }
        ASSIGN_OR_RETURN(*target, ReadString(key, value, "[users]"));
        Status valid = check(*target);
        if (!valid.ok()) return Error(key.source(), std::string(field) + " in [[users]]: " + valid.message());
        *at = key.source();
      }
      const std::string which = "user " + std::to_string(users->size() + 1) + " in [[users]]";
      for (const auto& [field, at] : {std::pair{"name", &name_at}, std::pair{"access_key", &access_key_at},
                                      std::pair{"secret_key", &secret_key_at}}) {
        if (!at->has_value()) return Error(element.source(), which + " has no " + field);
      }
      for (size_t i = 0; i < users->size(); ++i) {
        const UserConfig& other = (*users)[i];
        if (other.name == user.name) {
          return Error(*name_at, "user name '" + user.name + "' in [[users]] is already used on line " +
                                     std::to_string(lines[i].first));
        }
        if (other.access_key == user.access_key) {
          return Error(*access_key_at, "access_key '" + user.access_key + "' in [[users]] is already used by user '" +
                                           other.name + "' on line " + std::to_string(lines[i].second));
        }
      }
      lines.emplace_back(name_at->begin.line, access_key_at->begin.line);
      users->push_back(std::move(user));
    }
    return Status::OK();
  }

  // An integer setting in [min, max].
  template <typename T>
  Result<T> ReadInteger(const toml::key& key, const toml::node& value, std::string_view table, uint64_t min,
                        uint64_t max) {
    const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
    auto i = value.as_integer();
    if (i == nullptr) return Error(key.source(), Where(key, table) + " must be a whole number " + range);
    if (i->get() < 0 || static_cast<uint64_t>(i->get()) < min || static_cast<uint64_t>(i->get()) > max) {
      return Error(key.source(), Where(key, table) + " must be " + range + ", got " + std::to_string(i->get()));
    }
    return static_cast<T>(i->get());
  }

  // "*" or "scheme://host[:port]": what a browser sends in Origin, compared as text.
  static bool IsCorsOrigin(std::string_view origin) {
    if (origin == "*") return true;
    std::string_view rest;
    if (origin.substr(0, 7) == "http://") {
      rest = origin.substr(7);
    } else if (origin.substr(0, 8) == "https://") {
      rest = origin.substr(8);
    } else {
      return false;
    }
    if (rest.empty()) return false;
    for (char c : rest) {
      if (!IsAsciiAlnum(c) && std::string_view(".-:[]*").find(c) == std::string_view::npos) return false;
    }
    return true;
  }

  static constexpr uint64_t kDay = 24 * 3600;
  static constexpr uint64_t kHundredYears = 100 * 365 * kDay;

  // A size is a string such as "1MiB" or a non-negative integer of bytes.
  Result<uint64_t> ReadByteSize(const toml::key& key, const toml::node& value, std::string_view table) {
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

  Result<std::string> ReadString(const toml::key& key, const toml::node& value, std::string_view table) {
    if (auto s = value.as_string()) return s->get();
    return Error(key.source(), Where(key, table) + " must be a string");
  }

  static std::string Where(const toml::key& key, std::string_view table) {
    return std::string(key.str()) + " in [" + std::string(table) + "]";
  }

  static std::string FormatDouble(double value) {
    char buf[64];
    snprintf(buf, sizeof(buf), "%g", value);
    return buf;
  }

  Status Error(const toml::source_region& where, const std::string& message) const {
    return Status::InvalidArgument(std::string(file_name_) + " line " + std::to_string(where.begin.line) + ": " +
                                   message);
  }

  std::string_view file_name_;
};

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

Result<StoreConfig> ParseConfig(std::string_view text, std::string_view file_name) {
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& error) {
    return Status::InvalidArgument(std::string(file_name) + " line " + std::to_string(error.source().begin.line) +
                                   ": " + std::string(error.description()));
  }
  StoreConfig config;
  RETURN_IF_ERROR(ConfigReader(file_name).Read(root, &config));
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
  return out;
}

}  // namespace strata
