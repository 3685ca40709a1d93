#include "strata/query/table_index.h"

#include <chrono>

#include "strata/query/table_files.h"

namespace strata::query {

Result<IndexReport> IndexTables(ObjectStore& store, const std::string& target) {
  const auto start = std::chrono::steady_clock::now();
  // Indexing is the system's own work, not an access of the datasets.
  ASSIGN_OR_RETURN(std::vector<TableFile> files, OpenTables(store, target, AccessKind::kInternal));
  IndexReport report;
  for (TableFile& file : files) {
    const std::string name = file.bucket + "/" + file.key;
    if (!file.aligned) {
      report.skipped_files.push_back(name + ": not aligned (" + file.not_aligned + ")");
      (void)file.reader->Close();
      continue;
    }
    // Every row group with rows, located as the query engine locates them,
    // so the stored fingerprints match what later scans ask for.
    std::vector<table::RowGroupTask> tasks;
    for (size_t g = 0; g < file.metadata.row_groups.size(); ++g) {
      if (file.metadata.row_groups[g].num_rows <= 0) continue;
      ASSIGN_OR_RETURN(table::RowGroupTask task, RowGroupTaskOf(file, g));
      tasks.push_back(std::move(task));
    }
    Result<IndexBuildReport> built = store.cluster().IndexBlob(file.blob, file.columns, tasks);
    // The reader pinned the blob while the nodes read it; release it either way.
    Status closed = file.reader->Close();
    if (!built.ok()) return built.status().WithContext(name);
    RETURN_IF_ERROR(closed.WithContext(name));
    ++report.files_indexed;
    report.row_groups_indexed += built->row_groups_indexed;
    report.row_groups_skipped += built->row_groups_skipped;
    report.bytes_written += built->bytes_written;
    for (std::string& problem : built->problems) report.problems.push_back(name + ": " + std::move(problem));
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

}  // namespace strata::query
