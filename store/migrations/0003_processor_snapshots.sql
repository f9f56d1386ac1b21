-- The processor's learned state (windows, detectors) and the log position it covers, taken at
-- intervals; on start the processor restores the latest one and consumes from just after it.
CREATE TABLE IF NOT EXISTS processor_snapshots
(
    run_id     LowCardinality(String),
    domain     LowCardinality(String),
    partitions String,                                  -- the instance's partition set, e.g. '0,1,2,3'
    format     LowCardinality(String),
    version    UInt16,
    seqs       String,                                  -- JSON: partition → last stream sequence covered
    state      String CODEC(ZSTD(3)),                   -- JSON ProcessorState
    bytes      UInt64,
    taken_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(taken_at)
ORDER BY (run_id, domain, partitions);
