-- The model chain's verdict next to the online detectors' on each score row: cluster, model
-- id, calibrated score and raw score (-1 / '' / 0 when no model scored the item).
ALTER TABLE scores ADD COLUMN IF NOT EXISTS cluster Int16 DEFAULT -1;
ALTER TABLE scores ADD COLUMN IF NOT EXISTS model LowCardinality(String) DEFAULT '';
ALTER TABLE scores ADD COLUMN IF NOT EXISTS model_score Float32 DEFAULT 0;
ALTER TABLE scores ADD COLUMN IF NOT EXISTS model_raw Float32 DEFAULT 0;
