#include "strata/base/config.h"

#include <arpa/inet.h>
#include <sys/random.h>

#include <cerrno>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

#include "strata/base/config_reader.h"

namespace strata {

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

constexpr uint64_t kDay = 24 * 3600;
constexpr uint64_t kHundredYears = 100 * 365 * kDay;

// "*" or "scheme://host[:port]": what a browser sends in Origin, compared as text.
bool IsCorsOrigin(std::string_view origin) {
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

}  // namespace

namespace config_internal {

template <typename T>
Result<T> ConfigReader::ReadInteger(const toml::key& key, const toml::node& value, std::string_view table,
                                    uint64_t min, uint64_t max) {
  const std::string range = "from " + std::to_string(min) + " to " + std::to_string(max);
  auto i = value.as_integer();
  if (i == nullptr) return Error(key.source(), Where(key, table) + " must be a whole number " + range);
  if (i->get() < 0 || static_cast<uint64_t>(i->get()) < min || static_cast<uint64_t>(i->get()) > max) {
    return Error(key.source(), Where(key, table) + " must be " + range + ", got " + std::to_string(i->get()));
  }
  return static_cast<T>(i->get());
}

// config_policies.cc reads its integers with the same rules.
template Result<uint32_t> ConfigReader::ReadInteger<uint32_t>(const toml::key&, const toml::node&, std::string_view,
                                                              uint64_t, uint64_t);

Status ConfigReader::ReadServer(const toml::key& table_key, const toml::node& node, ServerConfig* server) {
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
    } else if (name == "placement_interval_seconds") {
      ASSIGN_OR_RETURN(server->placement_interval_seconds, ReadInteger<uint32_t>(key, value, "server", 0, kDay));
      if (server->placement_interval_seconds != 0 && server->placement_interval_seconds < 60) {
        return Error(key.source(), "placement_interval_seconds in [server] must be 0 (never) or from 60 to " +
                                       std::to_string(kDay));
      }
    } else if (name == "move_rate") {
      ASSIGN_OR_RETURN(server->move_rate, ReadByteSize(key, value, "server"));
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

Status ConfigReader::ReadUsers(const toml::key& array_key, const toml::node& node, std::vector<UserConfig>* users) {
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

}  // namespace config_internal

}  // namespace strata
