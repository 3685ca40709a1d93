#include <gtest/gtest.h>

#include "strata/catalog/catalog.h"
#include "strata/catalog/catalog_test_util.h"
#include "strata/testing/temp_dir.h"

namespace strata {
namespace {

using testing::TempDir;

class CatalogDatasetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Catalog::OpenSqlite(dir_.Sub("catalog.db"));
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    catalog_ = std::move(opened).value();
    ASSERT_OK(catalog_->CreateBucket(BucketRecord{"sim", 0, "", false}));
  }
  TempDir dir_;
  std::unique_ptr<Catalog> catalog_;
};

TEST_F(CatalogDatasetsTest, DatasetsAreNamedPrefixes) {
  ASSERT_OK(catalog_->PutDataset({"run1", "sim", "run1/", 5, "", 0}));
  ASSERT_OK(catalog_->PutDataset({"all", "sim", "", 6, "", 0}));
  ASSERT_OK_AND_ASSIGN(auto datasets, catalog_->ListDatasets());
  EXPECT_EQ(datasets, (std::vector<DatasetRecord>{{"all", "sim", "", 6, "", 0}, {"run1", "sim", "run1/", 5, "", 0}}));

  Status same_name = catalog_->PutDataset({"run1", "sim", "other/", 0, "", 0});
  EXPECT_EQ(same_name.code(), StatusCode::kAlreadyExists);
  Status same_prefix = catalog_->PutDataset({"again", "sim", "run1/", 0, "", 0});
  EXPECT_EQ(same_prefix.code(), StatusCode::kAlreadyExists);
  EXPECT_NE(same_prefix.message().find("'run1' already covers sim/run1/"), std::string::npos) << same_prefix.ToString();
  EXPECT_EQ(catalog_->PutDataset({"x", "nobucket", "", 0, "", 0}).code(), StatusCode::kNotFound);
}

TEST_F(CatalogDatasetsTest, AccessCountsAddUpPerDay) {
  ASSERT_OK(catalog_->PutDataset({"run1", "sim", "run1/", 0, "", 0}));
  ASSERT_OK(catalog_->PutDataset({"run2", "sim", "run2/", 0, "", 0}));
  ASSERT_OK(catalog_->AddDatasetAccess({{"run1", 100, 3, 0}, {"run2", 100, 0, 1}, {"run1", 101, 1, 1}}));
  ASSERT_OK(catalog_->AddDatasetAccess({{"run1", 100, 2, 5}, {"gone", 100, 9, 9}}));
  ASSERT_OK_AND_ASSIGN(auto rows, catalog_->ListDatasetAccess(0, 1000));
  EXPECT_EQ(rows, (std::vector<DatasetAccess>{{"run1", 100, 5, 5}, {"run1", 101, 1, 1}, {"run2", 100, 0, 1}}));
  ASSERT_OK_AND_ASSIGN(rows, catalog_->ListDatasetAccess(101, 101));
  EXPECT_EQ(rows, (std::vector<DatasetAccess>{{"run1", 101, 1, 1}}));
}

TEST_F(CatalogDatasetsTest, RemovingADatasetOrItsBucketRemovesItsHistory) {
  ASSERT_OK(catalog_->PutDataset({"run1", "sim", "run1/", 0, "", 0}));
  ASSERT_OK(catalog_->AddDatasetAccess({{"run1", 7, 1, 0}}));
  ASSERT_OK(catalog_->DeleteDataset("run1"));
  EXPECT_EQ(catalog_->DeleteDataset("run1").code(), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto rows, catalog_->ListDatasetAccess(0, 100));
  EXPECT_TRUE(rows.empty());

  ASSERT_OK(catalog_->PutDataset({"run1", "sim", "run1/", 0, "", 0}));
  ASSERT_OK(catalog_->AddDatasetAccess({{"run1", 7, 1, 0}}));
  ASSERT_OK(catalog_->DeleteBucket("sim"));
  ASSERT_OK_AND_ASSIGN(auto datasets, catalog_->ListDatasets());
  EXPECT_TRUE(datasets.empty());
  ASSERT_OK_AND_ASSIGN(rows, catalog_->ListDatasetAccess(0, 100));
  EXPECT_TRUE(rows.empty());
}

}  // namespace
}  // namespace strata
