// SqliteCatalog: datasets (named prefixes of a bucket) and their daily
// access counts.
#include "strata/base/clock.h"
#include "strata/catalog/sqlite_catalog.h"
#include "strata/catalog/sqlite_records.h"

namespace strata {

Status SqliteCatalog::PutDataset(const DatasetRecord& dataset) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  RETURN_IF_ERROR(RequireBucket(dataset.bucket));
  {
    ASSIGN_OR_RETURN(SqliteStatement same,
                     db_->Prepare("SELECT name FROM datasets WHERE name = ?1 OR (bucket = ?2 AND prefix = ?3)"));
    ASSIGN_OR_RETURN(bool taken, same.Bind(1, dataset.name).Bind(2, dataset.bucket).Bind(3, dataset.prefix).Step());
    if (taken) {
      const std::string other = same.Text(0);
      if (other == dataset.name) return Status::AlreadyExists("dataset '" + dataset.name + "' already exists");
      return Status::AlreadyExists("dataset '" + other + "' already covers " + dataset.bucket + "/" + dataset.prefix);
    }
  }
  {
    ASSIGN_OR_RETURN(SqliteStatement insert,
                     db_->Prepare("INSERT INTO datasets (" STRATA_DATASET_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    insert.Bind(1, dataset.name)
        .Bind(2, dataset.bucket)
        .Bind(3, dataset.prefix)
        .Bind(4, dataset.created_ms != 0 ? dataset.created_ms : NowMillis())
        .Bind(5, dataset.staged_tier)
        .Bind(6, dataset.staged_until_ms);
    RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

Status SqliteCatalog::DeleteDataset(const std::string& name) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  {
    ASSIGN_OR_RETURN(SqliteStatement remove, db_->Prepare("DELETE FROM datasets WHERE name = ?1"));
    RETURN_IF_ERROR(remove.Bind(1, name).Run());
    if (db_->Changes() == 0) return Status::NotFound("dataset '" + name + "' does not exist");
  }
  return txn.Commit();
}

Result<std::vector<DatasetRecord>> SqliteCatalog::ListDatasets() {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT " STRATA_DATASET_COLUMNS " FROM datasets ORDER BY name"));
  std::vector<DatasetRecord> datasets;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    datasets.push_back(DatasetRecord{query.Text(0), query.Text(1), query.Text(2), query.Int(3), query.Text(4),
                                     query.Int(5)});
  }
  return datasets;
}

Status SqliteCatalog::AddDatasetAccess(const std::vector<DatasetAccess>& counts) {
  if (counts.empty()) return Status::OK();
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginWrite());
  for (const DatasetAccess& count : counts) {
    // The SELECT drops the rows of datasets removed since they were counted.
    // Prepared statements are cached: preparing per row costs a lookup.
    ASSIGN_OR_RETURN(SqliteStatement upsert,
                     db_->Prepare("INSERT INTO dataset_access (dataset, day, reads, queries)"
                                  " SELECT name, ?2, ?3, ?4 FROM datasets WHERE name = ?1"
                                  " ON CONFLICT (dataset, day) DO UPDATE SET"
                                  " reads = reads + excluded.reads, queries = queries + excluded.queries"));
    upsert.Bind(1, count.dataset).Bind(2, count.day).Bind(3, count.reads).Bind(4, count.queries);
    RETURN_IF_ERROR(upsert.Run());
  }
  return txn.Commit();
}

Result<std::vector<DatasetAccess>> SqliteCatalog::ListDatasetAccess(int64_t first_day, int64_t last_day) {
  std::lock_guard lock(mu_);
  ASSIGN_OR_RETURN(SqliteTransaction txn, BeginRead());
  ASSIGN_OR_RETURN(SqliteStatement query,
                   db_->Prepare("SELECT dataset, day, reads, queries FROM dataset_access"
                                " WHERE day BETWEEN ?1 AND ?2 ORDER BY dataset, day"));
  query.Bind(1, first_day).Bind(2, last_day);
  std::vector<DatasetAccess> rows;
  while (true) {
    ASSIGN_OR_RETURN(bool row, query.Step());
    if (!row) break;
    rows.push_back(DatasetAccess{query.Text(0), query.Int(1), query.Uint(2), query.Uint(3)});
  }
  return rows;
}

}  // namespace strata
