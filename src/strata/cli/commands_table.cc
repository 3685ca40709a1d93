// Table commands: `strata gen particles` (a reproducible VPIC-like particle
// table), `strata ingest table` (Parquet, CSV or raw binary records into
// aligned Parquet in the store; both then build the row-group indexes unless
// --no-index) and `strata query` (the SQL subset, with the scan pushed down
// to the storage nodes unless --no-pushdown, using the indexes unless
// --no-index).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <cstring>
#include <iostream>

#include "strata/base/byte_size.h"
#include "strata/cli/cli.h"
#include "strata/cli/progress.h"
#include "strata/parquet/aligned_writer.h"
#include "strata/parquet/file_reader.h"
#include "strata/query/query_engine.h"
#include "strata/query/result_format.h"
#include "strata/query/sql_parser.h"
#include "strata/table/csv_table.h"
#include "strata/table/particles.h"
#include "strata/table/record_reader.h"

namespace strata::cli {

namespace {

using parquet::ColumnVector;

// Writes to a local file (or stdout for "-").
class FileByteSink : public parquet::ByteSink {
 public:
  static Result<std::unique_ptr<FileByteSink>> Open(const std::string& path) {
    if (path == "-") return std::unique_ptr<FileByteSink>(new FileByteSink(path, STDOUT_FILENO));
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Status::FromErrno(errno, "create " + path);
    return std::unique_ptr<FileByteSink>(new FileByteSink(path, fd));
  }
  ~FileByteSink() override {
    if (fd_ != STDOUT_FILENO) ::close(fd_);
  }
  Status Write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::FromErrno(errno, "write " + path_);
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return Status::OK();
  }
  Status Close() {
    if (fd_ != STDOUT_FILENO && ::fsync(fd_) != 0) return Status::FromErrno(errno, "fsync " + path_);
    return Status::OK();
  }

 private:
  FileByteSink(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

// Streams into a new object; committed by Commit, discarded otherwise. The
// store's write (erasure coding, checksums, drive writes) runs on a thread of
// its own, so encoding the next row groups overlaps with storing the last
// ones; at most kQueueBytes wait between the two.
class ObjectByteSink : public parquet::ByteSink {
 public:
  explicit ObjectByteSink(std::unique_ptr<ObjectWriter> writer)
      : writer_(std::move(writer)), thread_([this] { Drain(); }) {}
  ~ObjectByteSink() override { Stop(); }

  Status Write(std::string_view bytes) override { return WriteOwned(std::string(bytes)); }
  // Queues the buffer itself: a unit crosses to the store's thread uncopied.
  Status WriteOwned(std::string bytes) override {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return queued_ < kQueueBytes || !failure_.ok(); });
    if (!failure_.ok()) return failure_;
    queued_ += bytes.size();
    queue_.push_back(std::move(bytes));
    ready_.notify_one();
    return Status::OK();
  }
  Result<ObjectRecord> Commit() {
    Stop();
    if (!failure_.ok()) {
      writer_->Abort();
      return failure_;
    }
    return writer_->Commit();
  }
  void Abort() {
    Stop();
    writer_->Abort();
  }

 private:
  static constexpr size_t kQueueBytes = 8 << 20;

  void Drain() {
    for (;;) {
      std::string bytes;
      {
        std::unique_lock lock(mu_);
        ready_.wait(lock, [&] { return !queue_.empty() || closed_; });
        if (queue_.empty()) return;
        bytes = std::move(queue_.front());
        queue_.pop_front();
        queued_ -= bytes.size();
        room_.notify_one();
      }
      Status st = writer_->Write(std::span(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
      if (!st.ok()) {
        std::lock_guard lock(mu_);
        failure_ = st;
        queue_.clear();
        room_.notify_all();
        return;
      }
    }
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
      ready_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }

  std::unique_ptr<ObjectWriter> writer_;
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<std::string> queue_;
  size_t queued_ = 0;
  bool closed_ = false;
  Status failure_;
  std::thread thread_;  // last: started once the members above exist
};

Result<parquet::Codec> ParseCodec(const std::string& name) {
  if (name == "none" || name == "uncompressed") return parquet::Codec::kUncompressed;
  if (name == "snappy") return parquet::Codec::kSnappy;
  if (name == "zstd") return parquet::Codec::kZstd;
  return Status::InvalidArgument("unknown codec '" + name + "' (none, snappy, zstd)");
}

// Where a table goes: a local file, or BUCKET/KEY in the store.
struct TableOutput {
  std::unique_ptr<ObjectStore> store;
  std::unique_ptr<FileByteSink> file;
  std::unique_ptr<ObjectByteSink> object;
  std::string name;
  std::string target;  // "bucket/key" in the store
  uint32_t unit_size = 1u << 20;

  parquet::ByteSink* sink() { return file ? static_cast<parquet::ByteSink*>(file.get()) : object.get(); }
  Status Finish() {
    if (file) return file->Close();
    return object->Commit().status();
  }
  void Abort() {
    if (object) object->Abort();
  }
};

Result<TableOutput> OpenTableOutput(const GlobalOptions& options, const std::string& destination, bool to_file) {
  TableOutput out;
  out.name = destination;
  if (to_file) {
    ASSIGN_OR_RETURN(out.file, FileByteSink::Open(destination));
    return out;
  }
  ASSIGN_OR_RETURN(ObjectPath path, ParseObjectPath(destination));
  if (path.key.empty() || path.key.back() == '/') {
    return Status::InvalidArgument("'" + destination + "' needs a key: BUCKET/KEY");
  }
  ASSIGN_OR_RETURN(out.store, OpenStore(options));
  out.target = path.bucket + "/" + path.key;
  out.unit_size = out.store->config().unit_size;
  PutOptions put;
  put.content_type = "application/vnd.apache.parquet";
  ASSIGN_OR_RETURN(auto writer, out.store->NewObject(path.bucket, path.key, put));
  out.object = std::make_unique<ObjectByteSink>(std::move(writer));
  return out;
}

struct GenArgs {
  uint64_t count = 1000000;
  uint64_t seed = 1;
  std::string order = "cell";
  std::string codec = "none";
  std::string destination;
  bool to_file = false;
  bool no_index = false;
};

int RunGenParticles(const GlobalOptions& options, const GenArgs& args) {
  table::ParticleOptions particles;
  particles.count = args.count;
  particles.seed = args.seed;
  if (args.order == "cell") {
    particles.order = table::ParticleOrder::kCell;
  } else if (args.order == "random") {
    particles.order = table::ParticleOrder::kRandom;
  } else {
    return Fail(Status::InvalidArgument("--order must be cell or random, not '" + args.order + "'"));
  }
  auto codec = ParseCodec(args.codec);
  if (!codec.ok()) return Fail(codec.status());
  auto output = OpenTableOutput(options, args.destination, args.to_file);
  if (!output.ok()) return Fail(output.status());
  parquet::AlignedWriterOptions writer_options;
  writer_options.unit_size = output->unit_size;
  writer_options.codec = *codec;
  parquet::AlignedWriter writer({{"id", parquet::Type::kInt64, false},
                                 {"x", parquet::Type::kFloat, false},
                                 {"y", parquet::Type::kFloat, false},
                                 {"z", parquet::Type::kFloat, false},
                                 {"ke", parquet::Type::kFloat, false}},
                                writer_options, output->sink());
  table::ParticleGenerator generator(particles);
  table::ParticleBatch batch;
  std::vector<ColumnVector> columns(5);
  ProgressBar bar("particles", args.count, false, options.quiet);
  Status st;
  while (generator.Next(1 << 16, &batch) > 0) {
    columns[0] = ColumnVector(parquet::Type::kInt64);
    columns[0].int64s = batch.id;
    for (int c = 1; c < 5; ++c) columns[c] = ColumnVector(parquet::Type::kFloat);
    columns[1].floats = batch.x;
    columns[2].floats = batch.y;
    columns[3].floats = batch.z;
    columns[4].floats = batch.ke;
    st = writer.Append(columns);
    if (!st.ok()) break;
    bar.Update(generator.position());
  }
  if (st.ok()) st = writer.Finish();
  if (st.ok()) st = output->Finish();
  if (!st.ok()) {
    output->Abort();
    return Fail(st.WithContext(args.destination));
  }
  bar.Finish();
  if (!options.quiet) {
    std::cerr << "wrote " << writer.rows() << " particles to " << args.destination << " (" << writer.row_groups()
              << " row groups, " << FormatByteSize(writer.bytes_written()) << ")\n";
  }
  if (output->store && !args.no_index) IndexNewTable(*output->store, output->target, options);
  return kExitOk;
}

struct IngestArgs {
  std::string source;
  std::string destination;
  std::string format;  // parquet, csv, binary; "" = from the extension
  std::string schema;  // binary records (and CSV, to override inference)
  std::string codec = "snappy";
  std::string delimiter = ",";
  bool no_index = false;
};

std::string FormatFromName(const std::string& name) {
  auto ends = [&](const char* suffix) {
    const size_t n = std::strlen(suffix);
    return name.size() >= n && name.compare(name.size() - n, n, suffix) == 0;
  };
  if (ends(".parquet")) return "parquet";
  if (ends(".csv")) return "csv";
  return "binary";
}

Status IngestParquet(const std::string& path, parquet::AlignedWriterOptions options, TableOutput& out,
                     ProgressBar& bar, uint64_t* rows) {
  ASSIGN_OR_RETURN(auto source, parquet::LocalFileSource::Open(path));
  ASSIGN_OR_RETURN(parquet::FileMetaData metadata, parquet::ReadFileMetaData(*source, path));
  ASSIGN_OR_RETURN(std::vector<parquet::ColumnSchema> schema, parquet::FlatSchema(metadata));
  parquet::AlignedWriter writer(schema, options, out.sink());
  // Row group g + 1 is read and decoded on a thread of its own while the
  // writer encodes row group g.
  std::vector<ColumnVector> columns[2];
  auto read = [&](size_t g) {
    return std::async(std::launch::async,
                      [&, g] { return parquet::ReadRowGroup(*source, metadata, schema, g, &columns[g % 2]); });
  };
  std::future<Status> next;
  if (!metadata.row_groups.empty()) next = read(0);
  uint64_t done = 0;
  for (size_t g = 0; g < metadata.row_groups.size(); ++g) {
    RETURN_IF_ERROR(next.get().WithContext(path));
    if (g + 1 < metadata.row_groups.size()) next = read(g + 1);
    RETURN_IF_ERROR(writer.Append(columns[g % 2]));
    done += static_cast<uint64_t>(metadata.row_groups[g].total_compressed_size.value_or(0));
    bar.Update(std::min(done, source->size()));
  }
  RETURN_IF_ERROR(writer.Finish());
  *rows = writer.rows();
  return Status::OK();
}

Status ReadChunks(const std::string& path, const std::function<Status(std::string_view, bool)>& consume,
                  ProgressBar& bar) {
  const int fd = path == "-" ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::FromErrno(errno, "open " + path);
  std::string buffer(4 << 20, '\0');
  uint64_t done = 0;
  Status st;
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      st = Status::FromErrno(errno, "read " + path);
      break;
    }
    st = consume(std::string_view(buffer.data(), static_cast<size_t>(n)), n == 0);
    if (!st.ok() || n == 0) break;
    done += static_cast<uint64_t>(n);
    bar.Update(done);
  }
  if (fd != STDIN_FILENO) ::close(fd);
  return st;
}

Status IngestCsv(const IngestArgs& args, parquet::AlignedWriterOptions options, TableOutput& out, ProgressBar& bar,
                 uint64_t* rows) {
  table::CsvFormat format;
  if (args.delimiter.size() != 1) return Status::InvalidArgument("--delimiter must be one character");
  format.delimiter = args.delimiter == "\\t" ? '\t' : args.delimiter[0];
  table::CsvParser parser(format);
  std::vector<table::CsvRecord> records;
  std::optional<table::CsvRecord> header;
  std::vector<parquet::ColumnSchema> schema;
  std::unique_ptr<parquet::AlignedWriter> writer;
  std::vector<ColumnVector> columns;
  uint64_t next_line = 2;  // line of records[0] once the header is taken
  constexpr size_t kSample = 1000;
  auto flush = [&](bool last) -> Status {
    if (!header) {
      if (records.empty()) return Status::OK();
      header = records.front();
      records.erase(records.begin());
    }
    if (!writer) {
      if (records.size() < kSample && !last) return Status::OK();  // wait for a sample to infer from
      if (!args.schema.empty()) {
        ASSIGN_OR_RETURN(schema, table::ParseSchemaText(args.schema));
      } else {
        schema = table::InferCsvSchema(*header, records);
      }
      writer = std::make_unique<parquet::AlignedWriter>(schema, options, out.sink());
    }
    columns.clear();
    RETURN_IF_ERROR(table::AppendCsvRecords(records, next_line, schema, &columns).WithContext(args.source));
    if (!records.empty()) RETURN_IF_ERROR(writer->Append(columns));
    next_line += records.size();
    records.clear();
    return Status::OK();
  };
  RETURN_IF_ERROR(ReadChunks(args.source, [&](std::string_view data, bool last) -> Status {
    RETURN_IF_ERROR(parser.Feed(data, last, &records).WithContext(args.source));
    return flush(last);
  }, bar));
  if (!writer) return Status::InvalidArgument(args.source + ": no header line");
  RETURN_IF_ERROR(writer->Finish());
  *rows = writer->rows();
  return Status::OK();
}

Status IngestBinary(const IngestArgs& args, parquet::AlignedWriterOptions options, TableOutput& out,
                    ProgressBar& bar, uint64_t* rows) {
  if (args.schema.empty()) {
    return Status::InvalidArgument("raw binary records need --schema, e.g. id:int64,x:float,y:float,z:float,ke:float");
  }
  ASSIGN_OR_RETURN(std::vector<parquet::ColumnSchema> schema, table::ParseSchemaText(args.schema));
  ASSIGN_OR_RETURN(table::RecordDecoder decoder, table::RecordDecoder::Create(schema));
  parquet::AlignedWriter writer(schema, options, out.sink());
  std::string carry;
  std::vector<ColumnVector> columns;
  uint64_t offset = 0;
  RETURN_IF_ERROR(ReadChunks(args.source, [&](std::string_view data, bool last) -> Status {
    carry.append(data);
    const size_t whole = carry.size() / decoder.record_size() * decoder.record_size();
    if (last && whole != carry.size()) {
      return Status::InvalidArgument(args.source + ": ends with a partial record of " +
                                     std::to_string(carry.size() - whole) + " bytes at byte " +
                                     std::to_string(offset + whole) + " (records are " +
                                     std::to_string(decoder.record_size()) + " bytes)");
    }
    if (whole == 0) return Status::OK();
    decoder.Decode(std::string_view(carry).substr(0, whole), &columns);
    RETURN_IF_ERROR(writer.Append(columns));
    offset += whole;
    carry.erase(0, whole);
    return Status::OK();
  }, bar));
  RETURN_IF_ERROR(writer.Finish());
  *rows = writer.rows();
  return Status::OK();
}

int RunIngestTable(const GlobalOptions& options, const IngestArgs& args) {
  const std::string format = args.format.empty() ? FormatFromName(args.source) : args.format;
  if (format != "parquet" && format != "csv" && format != "binary") {
    return Fail(Status::InvalidArgument("--format must be parquet, csv or binary, not '" + format + "'"));
  }
  auto codec = ParseCodec(args.codec);
  if (!codec.ok()) return Fail(codec.status());
  auto output = OpenTableOutput(options, args.destination, false);
  if (!output.ok()) return Fail(output.status());
  parquet::AlignedWriterOptions writer_options;
  writer_options.unit_size = output->unit_size;
  writer_options.codec = *codec;
  uint64_t total = 0;
  if (args.source != "-") {
    auto source = parquet::LocalFileSource::Open(args.source);
    if (!source.ok()) return Fail(source.status());
    total = (*source)->size();
  }
  ProgressBar bar("ingest", total, true, options.quiet);
  uint64_t rows = 0;
  Status st = format == "parquet" ? IngestParquet(args.source, writer_options, *output, bar, &rows)
              : format == "csv"   ? IngestCsv(args, writer_options, *output, bar, &rows)
                                  : IngestBinary(args, writer_options, *output, bar, &rows);
  if (st.ok()) st = output->Finish();
  if (!st.ok()) {
    output->Abort();
    return Fail(st);
  }
  bar.Finish();
  if (!options.quiet) std::cerr << "ingested " << rows << " rows into " << args.destination << "\n";
  if (!args.no_index) IndexNewTable(*output->store, output->target, options);
  return kExitOk;
}

struct QueryArgs {
  std::string sql;
  std::string format = "csv";
  std::string output = "-";
  bool explain = false;
  bool no_pushdown = false;
  bool no_index = false;
};

int RunQuery(const GlobalOptions& options, const QueryArgs& args) {
  auto format = query::ParseResultFormat(args.format);
  if (!format.ok()) return Fail(format.status());
  if (*format == query::ResultFormat::kParquet && args.output == "-" && isatty(STDOUT_FILENO)) {
    return Fail(Status::InvalidArgument("--format parquet writes binary; name a file with --output"));
  }
  auto store = OpenStore(options);
  if (!store.ok()) return Fail(store.status());
  auto out = FileByteSink::Open(args.output);
  if (!out.ok()) return Fail(out.status());
  std::unique_ptr<query::ResultSink> sink;
  switch (*format) {
    case query::ResultFormat::kCsv: sink = query::MakeCsvSink(out->get()); break;
    case query::ResultFormat::kJson: sink = query::MakeJsonSink(out->get()); break;
    case query::ResultFormat::kParquet: sink = query::MakeParquetSink(out->get()); break;
  }
  query::QueryEngine engine(store->get());
  query::QueryOptions query_options;
  query_options.pushdown = !args.no_pushdown;
  query_options.explain = args.explain;
  query_options.use_index = !args.no_index;
  query::QueryStats stats;
  Status st = engine.Run(args.sql, query_options, sink.get(), &stats);
  if (!st.ok()) {
    // Point at the place in the query when the error names one.
    const std::string& message = st.message();
    const size_t at = message.find("query at column ");
    if (at == 0 && args.sql.find('\n') == std::string::npos) {
      const size_t column = std::strtoul(message.c_str() + 16, nullptr, 10);
      if (column > 0) std::cerr << query::PointAt(args.sql, column - 1);
    }
    return Fail(st);
  }
  if (args.explain || !options.quiet) {
    std::ostream& to = args.explain ? std::cout : std::cerr;
    if (args.explain) {
      for (const std::string& line : stats.plan) to << line << "\n";
    }
    to << "row groups: " << stats.row_groups_total << " total, " << stats.row_groups_pruned << " pruned, "
       << stats.row_groups_scanned << " scanned; rows: " << stats.rows_scanned << " scanned, " << stats.rows_returned
       << " returned; bytes: " << stats.bytes_read << " read on drives, " << stats.bytes_returned
       << " returned; from the index: " << stats.row_groups_indexed << " row groups; time: " << stats.seconds
       << " s" << (args.no_pushdown ? " (no pushdown)" : "") << (args.no_index ? " (no index)" : "") << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddTableCommands(CLI::App& app, GlobalOptions& options, int& exit_code) {
  auto* gen = app.add_subcommand("gen", "Generate test data");
  gen->require_subcommand(1);
  auto gen_args = std::make_shared<GenArgs>();
  auto* particles = gen->add_subcommand("particles", "A VPIC-like particle table (id, x, y, z, ke) as aligned Parquet");
  particles->add_option("destination", gen_args->destination, "BUCKET/KEY in the store, or a local file with --file")
      ->required();
  particles->add_option("--count", gen_args->count, "Number of particles (default 1000000)");
  particles->add_option("--seed", gen_args->seed, "Random seed; the same seed gives the same table");
  particles->add_option("--order", gen_args->order, "cell (rows by spatial cell, as a simulation dumps them) or random");
  particles->add_option("--codec", gen_args->codec, "none (default), snappy or zstd");
  particles->add_flag("--file", gen_args->to_file, "Write a local file instead of an object");
  particles->add_flag("--no-index", gen_args->no_index, "Do not build the row-group indexes after writing");
  particles->callback([&, gen_args] { exit_code = RunGenParticles(options, *gen_args); });

  auto* ingest = app.add_subcommand("ingest", "Load data into the store");
  ingest->require_subcommand(1);
  auto ingest_args = std::make_shared<IngestArgs>();
  auto* table = ingest->add_subcommand("table", "Convert Parquet, CSV (with a header) or raw binary records into "
                                                "aligned Parquet at BUCKET/KEY");
  table->add_option("source", ingest_args->source, "Local file ('-' for stdin)")->required();
  table->add_option("destination", ingest_args->destination, "BUCKET/KEY")->required();
  table->add_option("--format", ingest_args->format, "parquet, csv or binary (default: from the file name)");
  table->add_option("--schema", ingest_args->schema, "Columns as name:type,... (binary records; overrides CSV inference)");
  table->add_option("--codec", ingest_args->codec, "snappy (default), zstd or none");
  table->add_option("--delimiter", ingest_args->delimiter, "CSV field delimiter (default ','; '\\t' for tabs)");
  table->add_flag("--no-index", ingest_args->no_index, "Do not build the row-group indexes after the table lands");
  table->callback([&, ingest_args] { exit_code = RunIngestTable(options, *ingest_args); });

  auto query_args = std::make_shared<QueryArgs>();
  auto* query = app.add_subcommand("query", "Run SQL over tables: SELECT ... FROM bucket/key or bucket/prefix/ ...");
  query->add_option("sql", query_args->sql, "The query")->required();
  query->add_option("--format", query_args->format, "csv (default), json or parquet");
  query->add_option("-o,--output", query_args->output, "Write the result here (default: stdout)");
  query->add_flag("--explain", query_args->explain, "Show the plan and pruning; scan nothing");
  query->add_flag("--no-pushdown", query_args->no_pushdown,
                  "Read row groups to the gateway and filter there (the host-side baseline)");
  query->add_flag("--no-index", query_args->no_index, "Scan without the row-group indexes (read whole column chunks)");
  query->callback([&, query_args] { exit_code = RunQuery(options, *query_args); });
}

}  // namespace strata::cli
