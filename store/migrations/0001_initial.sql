-- Vigía initial schema. Every table carries run_id so replays never mix with live rows.
-- ReplacingMergeTree keyed by (run_id, …, event_id): a redelivered event writes the same key
-- again and collapses on merge; queries that must count exactly use FINAL (or uniqExact).

CREATE TABLE IF NOT EXISTS runs
(
    run_id       LowCardinality(String),
    domain       LowCardinality(String),
    kind         LowCardinality(String),          -- live | replay | bench
    started_at   DateTime64(3, 'UTC'),
    params       String,                          -- JSON
    code_version String,
    updated_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (run_id, domain);

CREATE TABLE IF NOT EXISTS sensor_events
(
    run_id         LowCardinality(String),
    event_id       String,
    station        LowCardinality(String),
    partition      UInt16,
    ts             DateTime64(3, 'UTC'),
    channels       Map(LowCardinality(String), Float64),
    late           UInt8,                         -- arrived after its window closed
    truth_kind     LowCardinality(String),        -- producer ground truth ('' = none); never read by scoring
    truth_fault_id String,
    stream_seq     UInt64,
    ingested_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(ts)
ORDER BY (run_id, station, ts, event_id);

CREATE TABLE IF NOT EXISTS scores
(
    run_id      LowCardinality(String),
    domain      LowCardinality(String),
    entity      LowCardinality(String),
    event_id    String,
    ts          DateTime64(3, 'UTC'),
    detector    LowCardinality(String),
    score       Float32,                          -- normalised 0–100
    severity    LowCardinality(String),           -- '' below the anomaly threshold
    top_feature LowCardinality(String),
    drivers     String,                           -- JSON array of AnomalyDriver
    scored_at   DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(scored_at)
PARTITION BY toYYYYMM(ts)
ORDER BY (run_id, domain, entity, ts, event_id);

CREATE TABLE IF NOT EXISTS anomalies
(
    run_id      LowCardinality(String),
    domain      LowCardinality(String),
    entity      LowCardinality(String),
    event_id    String,
    ts          DateTime64(3, 'UTC'),
    detector    LowCardinality(String),
    score       Float32,
    severity    LowCardinality(String),
    top_feature LowCardinality(String),
    drivers     String,
    `values`    Map(LowCardinality(String), Float64),
    emitted_at  DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(emitted_at)
PARTITION BY toYYYYMM(ts)
ORDER BY (run_id, domain, ts, entity, event_id);

-- Closed event-time tumbling windows per station: the first feature table.
CREATE TABLE IF NOT EXISTS sensor_windows
(
    run_id       LowCardinality(String),
    station      LowCardinality(String),
    window_start DateTime64(3, 'UTC'),
    window_end   DateTime64(3, 'UTC'),
    readings     UInt32,
    mean         Map(LowCardinality(String), Float64),
    min          Map(LowCardinality(String), Float64),
    max          Map(LowCardinality(String), Float64),
    max_score    Float32,
    closed_at    DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(closed_at)
PARTITION BY toYYYYMM(window_start)
ORDER BY (run_id, station, window_start);

-- Every message the processor rejected, also published on dlq.<domain>.
CREATE TABLE IF NOT EXISTS dead_letters
(
    run_id      LowCardinality(String),
    domain      LowCardinality(String),
    subject     String,
    stream_seq  UInt64,
    kind        LowCardinality(String),
    reason      String,
    payload     String,
    rejected_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(rejected_at)
ORDER BY (run_id, domain, stream_seq);
