// strata put, get, ls, rm, stat.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "strata/base/byte_size.h"
#include "strata/base/clock.h"
#include "strata/cli/cli.h"
#include "strata/cli/progress.h"

namespace strata::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr size_t kChunk = 4u << 20;

struct PutArgs {
  std::string source;
  std::string destination;
  bool recursive = false;
  std::string content_type = "application/octet-stream";
  std::vector<std::string> metadata;  // key=value
};

struct GetArgs {
  std::string source;
  std::string destination;
  bool recursive = false;
  std::string range;
};

struct ListArgs {
  std::string path;
  bool recursive = false;
  std::string start_after;
  int limit = 0;
};

// Streams one local file (or stdin for "-") into an object.
Result<ObjectRecord> PutFile(ObjectStore& store, const std::string& file, const std::string& bucket,
                             const std::string& key, const PutOptions& put, ProgressBar* bar, uint64_t* done) {
  int fd = file == "-" ? STDIN_FILENO : ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open " + file);
  ASSIGN_OR_RETURN(auto writer, store.NewObject(bucket, key, put));
  std::vector<std::byte> buffer(kChunk);
  Status st = Status::OK();
  while (true) {
    ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = Status::FromErrno(errno, "read " + file);
      break;
    }
    if (n == 0) break;
    st = writer->Write(std::span(buffer.data(), static_cast<size_t>(n)));
    if (!st.ok()) break;
    *done += static_cast<uint64_t>(n);
    if (bar) bar->Update(*done);
  }
  if (fd != STDIN_FILENO) ::close(fd);
  if (!st.ok()) {
    writer->Abort();
    return st;
  }
  return writer->Commit();
}

int RunPut(const GlobalOptions& options, const PutArgs& args) {
  auto destination = ParseObjectPath(args.destination);
  if (!destination.ok()) return Fail(destination.status());
  PutOptions put;
  put.content_type = args.content_type;
  for (const std::string& kv : args.metadata) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return Fail(Status::InvalidArgument("metadata '" + kv + "' is not key=value"));
    put.user_metadata[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  // Check the source before touching the store.
  std::error_code ec;
  std::vector<std::pair<std::string, std::string>> files;  // local path, key
  uint64_t total = 0;
  if (args.recursive) {
    if (!fs::is_directory(args.source, ec)) return Fail(Status::NotFound(args.source + " is not a directory"));
    std::string prefix = destination->key;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    for (auto it = fs::recursive_directory_iterator(args.source, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (!it->is_regular_file()) continue;
      files.emplace_back(it->path().string(), prefix + fs::relative(it->path(), args.source).generic_string());
      total += it->file_size();
    }
    if (ec) return Fail(Status::IOError("walk " + args.source + ": " + ec.message()));
    std::sort(files.begin(), files.end());
  } else {
    if (args.source != "-" && !fs::is_regular_file(args.source, ec)) {
      return Fail(Status::NotFound("no such file: " + args.source));
    }
    std::string key = destination->key;
    if (key.empty() || key.back() == '/') {
      if (args.source == "-") return Fail(Status::InvalidArgument("a key is needed when reading standard input"));
      key += fs::path(args.source).filename().string();
    }
    files.emplace_back(args.source, key);
    if (args.source != "-") total = fs::file_size(args.source, ec);
  }

  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  // Buckets are checked up front so a bulk load fails before writing anything.
  auto bucket = (*store)->catalog().GetBucket(destination->bucket);
  if (!bucket.ok()) return Fail(bucket.status());

  ProgressBar bar("put", total, true, options.quiet);
  uint64_t done = 0;
  (*store)->SetBatching(files.size() > 1);
  for (const auto& [file, key] : files) {
    auto record = PutFile(**store, file, destination->bucket, key, put, &bar, &done);
    if (!record.ok()) return Fail(record.status().WithContext(file));
  }
  Status flushed = (*store)->FlushPacks();
  if (!flushed.ok()) return Fail(flushed);
  bar.Finish();
  if (!options.quiet && files.size() > 1) {
    std::cout << "put " << files.size() << " objects, " << FormatByteSize(done) << "\n";
  }
  return kExitOk;
}

// Parses an HTTP-style range "A-B", "A-" or "-N" against an object size.
Result<std::pair<uint64_t, uint64_t>> ParseRange(const std::string& text, uint64_t size) {
  const size_t dash = text.find('-');
  if (dash == std::string::npos) return Status::InvalidArgument("range '" + text + "' is not START-END");
  try {
    const std::string a = text.substr(0, dash), b = text.substr(dash + 1);
    if (a.empty()) {
      const uint64_t n = std::stoull(b);
      const uint64_t len = std::min(n, size);
      return std::make_pair(size - len, len);
    }
    const uint64_t start = std::stoull(a);
    const uint64_t end = b.empty() ? (size == 0 ? 0 : size - 1) : std::stoull(b);
    if (start >= size || end < start) {
      return Status::InvalidArgument("range '" + text + "' is outside the object (" + std::to_string(size) + " bytes)");
    }
    return std::make_pair(start, std::min(end, size - 1) - start + 1);
  } catch (...) {
    return Status::InvalidArgument("range '" + text + "' is not START-END");
  }
}

// Writes [offset, offset+length) of an object to `file` ("-" = stdout). A file
// is written under a temporary name and renamed once complete and verified.
Status GetToFile(ObjectStore& store, const std::string& bucket, const std::string& key, const std::string& file,
                 const std::string& range, ProgressBar* bar, uint64_t* done) {
  ASSIGN_OR_RETURN(auto reader, store.OpenObject(bucket, key));
  uint64_t offset = 0, length = reader->record().size;
  if (!range.empty()) {
    ASSIGN_OR_RETURN(auto r, ParseRange(range, reader->record().size));
    offset = r.first;
    length = r.second;
  }
  const bool to_stdout = file == "-";
  const std::string temp = file + ".strata-partial";
  int fd = STDOUT_FILENO;
  if (!to_stdout) {
    std::error_code ec;
    fs::create_directories(fs::path(file).parent_path().empty() ? "." : fs::path(file).parent_path(), ec);
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::FromErrno(errno, "create " + temp);
  }
  std::vector<std::byte> buffer(std::min<uint64_t>(kChunk, std::max<uint64_t>(length, 1)));
  Status st = Status::OK();
  uint64_t position = 0;
  while (st.ok() && position < length) {
    const size_t n = std::min<uint64_t>(buffer.size(), length - position);
    st = reader->Read(offset + position, std::span(buffer.data(), n));
    if (!st.ok()) break;
    size_t written = 0;
    while (written < n) {
      ssize_t w = ::write(fd, buffer.data() + written, n - written);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        st = Status::FromErrno(errno, "write " + (to_stdout ? std::string("standard output") : temp));
        break;
      }
      written += static_cast<size_t>(w);
    }
    position += n;
    *done += n;
    if (bar) bar->Update(*done);
  }
  Status closed = reader->Close();
  if (st.ok()) st = closed;
  if (!to_stdout) {
    if (::close(fd) != 0 && st.ok()) st = Status::FromErrno(errno, "close " + temp);
    if (st.ok() && ::rename(temp.c_str(), file.c_str()) != 0) st = Status::FromErrno(errno, "rename to " + file);
    if (!st.ok()) ::unlink(temp.c_str());
  }
  return st;
}

int RunGet(const GlobalOptions& options, const GetArgs& args) {
  auto source = ParseObjectPath(args.source);
  if (!source.ok()) return Fail(source.status());
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());

  std::vector<std::pair<std::string, std::string>> items;  // key, local file
  uint64_t total = 0;
  if (args.recursive) {
    if (!args.range.empty()) return Fail(Status::InvalidArgument("--range applies to one object, not -r"));
    std::string prefix = source->key;
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    const std::string dir = args.destination.empty() ? "." : args.destination;
    ListOptions list;
    list.prefix = prefix;
    while (true) {
      auto page = (*store)->List(source->bucket, list);
      if (!page.ok()) return Fail(page.status());
      for (const ObjectRecord& o : page->objects) {
        const std::string relative = o.key.substr(prefix.size());
        if (relative.empty() || relative.find("..") != std::string::npos) continue;  // never write outside dir
        items.emplace_back(o.key, (fs::path(dir) / relative).string());
        total += o.size;
      }
      if (!page->truncated) break;
      list.start_after = page->next_start_after;
    }
    if (items.empty()) return Fail(Status::NotFound("no objects under " + source->bucket + "/" + prefix));
  } else {
    if (source->key.empty()) return Fail(Status::InvalidArgument("'" + args.source + "' names no key"));
    std::string file = args.destination;
    if (file.empty()) file = fs::path(source->key).filename().string();
    std::error_code ec;
    if (file != "-" && fs::is_directory(file, ec)) file = (fs::path(file) / fs::path(source->key).filename()).string();
    auto head = (*store)->Head(source->bucket, source->key);
    if (!head.ok()) return Fail(head.status());
    items.emplace_back(source->key, file);
    total = head->size;
  }
  ProgressBar bar("get", total, true, options.quiet || args.destination == "-");
  uint64_t done = 0;
  for (const auto& [key, file] : items) {
    Status st = GetToFile(**store, source->bucket, key, file, args.range, &bar, &done);
    if (!st.ok()) return Fail(st);
  }
  bar.Finish();
  return kExitOk;
}

json ObjectJson(const ObjectRecord& o) {
  return json{{"bucket", o.bucket},      {"key", o.key},
              {"size", o.size},          {"etag", o.etag},
              {"version_id", o.version_id}, {"content_type", o.content_type},
              {"metadata", o.user_metadata}, {"modified", FormatIso8601(o.modified_ms)}};
}

int RunList(const GlobalOptions& options, const ListArgs& args) {
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  if (args.path.empty()) {
    auto buckets = (*store)->ListBuckets();
    if (!buckets.ok()) return Fail(buckets.status());
    json out = json::array();
    for (const BucketRecord& b : *buckets) {
      if (options.json) {
        out.push_back(json{{"name", b.name}, {"created", FormatIso8601(b.created_ms)}});
      } else {
        std::cout << FormatIso8601(b.created_ms).substr(0, 19) << "  " << b.name << "\n";
      }
    }
    if (options.json) std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  auto path = ParseObjectPath(args.path);
  if (!path.ok()) return Fail(path.status());
  ListOptions list;
  list.prefix = path->key;
  list.delimiter = args.recursive ? "" : "/";
  list.start_after = args.start_after;
  json objects = json::array(), prefixes = json::array();
  int shown = 0;
  bool more = true;
  while (more && (args.limit == 0 || shown < args.limit)) {
    auto page = (*store)->List(path->bucket, list);
    if (!page.ok()) return Fail(page.status());
    for (const std::string& prefix : page->common_prefixes) {
      if (args.limit && shown >= args.limit) break;
      ++shown;
      if (options.json) {
        prefixes.push_back(prefix);
      } else {
        std::cout << std::string(30, ' ') << "PRE " << prefix << "\n";
      }
    }
    for (const ObjectRecord& o : page->objects) {
      if (args.limit && shown >= args.limit) break;
      ++shown;
      if (options.json) {
        objects.push_back(ObjectJson(o));
      } else {
        std::printf("%s %14llu %s\n", FormatIso8601(o.modified_ms).substr(0, 19).c_str(),
                    static_cast<unsigned long long>(o.size), o.key.c_str());
      }
    }
    more = page->truncated;
    list.start_after = page->next_start_after;
  }
  if (options.json) std::cout << json{{"objects", objects}, {"common_prefixes", prefixes}}.dump(2) << "\n";
  return kExitOk;
}

int RunRemove(const GlobalOptions& options, const std::string& target, bool recursive) {
  auto path = ParseObjectPath(target);
  if (!path.ok()) return Fail(path.status());
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  if (!recursive) {
    auto deleted = (*store)->Delete(path->bucket, path->key);
    return deleted.ok() ? kExitOk : Fail(deleted.status());
  }
  ListOptions list;
  list.prefix = path->key;
  uint64_t removed = 0;
  while (true) {
    auto page = (*store)->List(path->bucket, list);
    if (!page.ok()) return Fail(page.status());
    for (const ObjectRecord& o : page->objects) {
      auto deleted = (*store)->Delete(path->bucket, o.key);
      if (!deleted.ok()) return Fail(deleted.status());
      ++removed;
    }
    if (!page->truncated) break;
    list.start_after = page->next_start_after;
  }
  if (!options.quiet) std::cout << "removed " << removed << " object(s)\n";
  return kExitOk;
}

int RunStat(const GlobalOptions& options, const std::string& target) {
  auto path = ParseObjectPath(target);
  if (!path.ok()) return Fail(path.status());
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto record = (*store)->Head(path->bucket, path->key);
  if (!record.ok()) return Fail(record.status());
  auto blob = (*store)->catalog().GetBlob(record->blob_id);
  if (!blob.ok()) return Fail(blob.status());
  json placement = json::array();
  for (const NodePlacement& n : blob->placement.nodes) placement.push_back(json{{"node", n.node_id}, {"drives", n.drive_ids}});
  auto replicas = (*store)->catalog().ListReplicas(blob->blob_id);
  if (!replicas.ok()) return Fail(replicas.status());
  json replica_json = json::array();
  for (const BlobRecord& r : *replicas) {
    json nodes = json::array();
    for (const NodePlacement& n : r.placement.nodes) nodes.push_back(n.node_id);
    replica_json.push_back(json{{"id", r.blob_id}, {"nodes", nodes}});
  }
  if (options.json) {
    json out = ObjectJson(*record);
    out["blob"] = {{"id", blob->blob_id},
                   {"kind", blob->kind == BlobKind::kPack ? "pack" : "object"},
                   {"offset", record->blob_offset},
                   {"size", blob->size},
                   {"unit_size", blob->layout.unit_size},
                   {"level1", blob->layout.level1.ToString()},
                   {"level2", blob->layout.level2.ToString()},
                   {"tier", blob->tier},
                   {"placement", placement},
                   {"replicas", replica_json}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "object       " << record->bucket << "/" << record->key << "\n"
            << "size         " << record->size << " (" << FormatByteSize(record->size) << ")\n"
            << "etag         " << record->etag << "\n"
            << "content-type " << record->content_type << "\n"
            << "modified     " << FormatIso8601(record->modified_ms) << "\n"
            << "version      " << record->version_id << "\n";
  for (const auto& [k, v] : record->user_metadata) std::cout << "meta         " << k << "=" << v << "\n";
  std::cout << "tier         " << blob->tier << " (" << replicas->size() + 1 << " cop"
            << (replicas->empty() ? "y" : "ies") << ")\n";
  std::cout << "stored in    " << (blob->kind == BlobKind::kPack ? "pack " : "blob ") << blob->blob_id;
  if (blob->kind == BlobKind::kPack) std::cout << " at offset " << record->blob_offset;
  std::cout << ", code " << blob->layout.level2.ToString() << ", unit " << FormatByteSize(blob->layout.unit_size)
            << "\n";
  return kExitOk;
}

}  // namespace

void AddObjectCommands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto put_args = std::make_shared<PutArgs>();
  auto* put = app.add_subcommand("put", "Store a file (or '-' for stdin; -r for a directory) as BUCKET/KEY");
  put->add_option("source", put_args->source, "Local file, '-' or directory")->required();
  put->add_option("destination", put_args->destination, "BUCKET/KEY, or BUCKET/PREFIX/")->required();
  put->add_flag("-r,--recursive", put_args->recursive, "Store a directory tree under a prefix");
  put->add_option("--content-type", put_args->content_type, "Content type to record");
  put->add_option("--meta", put_args->metadata, "User metadata key=value (repeat)");
  put->callback([&, put_args] { exit_code = RunPut(options, *put_args); });

  auto get_args = std::make_shared<GetArgs>();
  auto* get = app.add_subcommand("get", "Fetch BUCKET/KEY to a file ('-' for stdout; -r for a prefix)");
  get->add_option("source", get_args->source, "BUCKET/KEY or BUCKET/PREFIX")->required();
  get->add_option("destination", get_args->destination, "Local file, '-' or directory");
  get->add_flag("-r,--recursive", get_args->recursive, "Fetch every object under a prefix into a directory");
  get->add_option("--range", get_args->range, "Bytes START-END (inclusive), START- or -SUFFIX");
  get->callback([&, get_args] { exit_code = RunGet(options, *get_args); });

  auto list_args = std::make_shared<ListArgs>();
  auto* ls = app.add_subcommand("ls", "List buckets, or objects under BUCKET[/PREFIX]");
  ls->add_option("path", list_args->path, "BUCKET[/PREFIX]");
  ls->add_flag("-r,--recursive", list_args->recursive, "List every key, without grouping at '/'");
  ls->add_option("--start-after", list_args->start_after, "Begin after this key");
  ls->add_option("--limit", list_args->limit, "Show at most this many entries");
  ls->callback([&, list_args] { exit_code = RunList(options, *list_args); });

  auto rm_target = std::make_shared<std::string>();
  auto rm_recursive = std::make_shared<bool>(false);
  auto* rm = app.add_subcommand("rm", "Delete BUCKET/KEY (-r: every key under a prefix)");
  rm->add_option("target", *rm_target, "BUCKET/KEY")->required();
  rm->add_flag("-r,--recursive", *rm_recursive, "Delete every object under the prefix");
  rm->callback([&, rm_target, rm_recursive] { exit_code = RunRemove(options, *rm_target, *rm_recursive); });

  auto stat_target = std::make_shared<std::string>();
  auto* stat = app.add_subcommand("stat", "Show an object's metadata and where it is stored");
  stat->add_option("target", *stat_target, "BUCKET/KEY")->required();
  stat->callback([&, stat_target] { exit_code = RunStat(options, *stat_target); });
}

}  // namespace strata::cli
