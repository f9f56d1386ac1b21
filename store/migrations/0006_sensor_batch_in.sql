-- A sensor micro-batch's rows in one INSERT. The processor writes its readings (with their
-- scores' columns), closed windows and anomalies as rows of one Null table (it stores nothing),
-- told apart by `kind`; materialised views fan every block out to scores, anomalies,
-- sensor_windows and sensor_events, which keep their shape, so every query on them stays as it
-- was. One statement per batch instead of three or four (a statement costs ~10 ms of chDB CPU
-- of its own), and a reading is parsed once, not once per table: −30 % of the CPU of the
-- readings' and scores' inserts for a 2 000-reading batch (bench/src/profile/insert-shapes.ts).
-- Columns a kind does not use are sent as null and take their defaults.
-- Views run in the order they were created, and a failing one stops those after it (checked on
-- chDB 3.4): sensor_events fills last, so a reading counts as processed only once the rest of
-- its batch is stored.
CREATE TABLE IF NOT EXISTS sensor_batch_in
(
    kind           LowCardinality(String),        -- reading | anomaly | window
    run_id         LowCardinality(String),
    station        LowCardinality(String),
    event_id       String,
    partition      UInt16,
    ts             DateTime64(3, 'UTC'),
    channels       Map(LowCardinality(String), Float64), -- a reading's channels; an anomaly's values
    late           UInt8,
    truth_kind     LowCardinality(String),
    truth_fault_id String,
    stream_seq     UInt64,
    ingested_at    DateTime64(3, 'UTC'),
    detector       LowCardinality(String),
    score          Float32,
    severity       LowCardinality(String),
    top_feature    LowCardinality(String),
    drivers        String,
    scored_at      DateTime64(3, 'UTC'),
    cluster        Int16 DEFAULT -1,
    model          LowCardinality(String) DEFAULT '',
    model_score    Float32 DEFAULT 0,
    model_raw      Float32 DEFAULT 0,
    emitted_at     DateTime64(3, 'UTC'),
    window_start   DateTime64(3, 'UTC'),
    window_end     DateTime64(3, 'UTC'),
    readings       UInt32,
    mean           Map(LowCardinality(String), Float64),
    min            Map(LowCardinality(String), Float64),
    max            Map(LowCardinality(String), Float64),
    max_score      Float32,
    closed_at      DateTime64(3, 'UTC')
)
ENGINE = Null;

CREATE MATERIALIZED VIEW IF NOT EXISTS sensor_batch_in_1_scores TO scores AS
SELECT run_id, 'sensor' AS domain, station AS entity, event_id, ts, detector, score, severity, top_feature, drivers, scored_at,
       cluster, model, model_score, model_raw
FROM sensor_batch_in WHERE kind = 'reading';

CREATE MATERIALIZED VIEW IF NOT EXISTS sensor_batch_in_2_anomalies TO anomalies AS
SELECT run_id, 'sensor' AS domain, station AS entity, event_id, ts, detector, score, severity, top_feature, drivers,
       channels AS `values`, emitted_at
FROM sensor_batch_in WHERE kind = 'anomaly';

CREATE MATERIALIZED VIEW IF NOT EXISTS sensor_batch_in_3_windows TO sensor_windows AS
SELECT run_id, station, window_start, window_end, readings, mean, min, max, max_score, closed_at
FROM sensor_batch_in WHERE kind = 'window';

CREATE MATERIALIZED VIEW IF NOT EXISTS sensor_batch_in_4_events TO sensor_events AS
SELECT run_id, event_id, station, partition, ts, channels, late, truth_kind, truth_fault_id, stream_seq, ingested_at
FROM sensor_batch_in WHERE kind = 'reading';
