SELECT
  "Energy (GeV)" e,  -- a quoted name
  t.*
FROM bucket/data-2024/*.parquet AS t
WHERE t.pt >= 10
  AND t.eta < 2.4
LIMIT 100