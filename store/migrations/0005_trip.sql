-- The trip domain: completed taxi trips, their per-trip scores, and demand per H3 cell.
-- Same idempotency rule as 0001: ReplacingMergeTree keyed on the natural key, so a redelivered
-- batch writes the same keys again. Per-minute pickup counts use uniqExact(event_id) states,
-- so a redelivered trip is never counted twice even before the parts merge.

CREATE TABLE IF NOT EXISTS trip_events
(
    run_id                LowCardinality(String),
    event_id              String,
    partition             UInt16,
    ts                    DateTime64(3, 'UTC'),          -- dropoff: the event time
    pickup_ts             DateTime64(3, 'UTC'),
    pickup_lat            Float64,
    pickup_lng            Float64,
    dropoff_lat           Float64,
    dropoff_lng           Float64,
    pickup_cell_r7        String,                        -- H3 cells of the pickup, computed by the processor
    pickup_cell_r8        String,
    pickup_cell_r9        String,
    dropoff_cell_r9       String,
    vendor                UInt8,
    passenger_count       UInt8,
    trip_distance         Float64,                       -- miles
    rate_code             UInt8,
    payment_type          UInt8,
    fare_amount           Float64,
    extra                 Float64,
    mta_tax               Float64,
    tip_amount            Float64,
    tolls_amount          Float64,
    improvement_surcharge Float64,
    congestion_surcharge  Float64,
    airport_fee           Float64,
    cbd_congestion_fee    Float64,
    total_amount          Float64,
    pickup_late           UInt8,                         -- the pickup's window had closed when it arrived
    truth_kind            LowCardinality(String),        -- producer ground truth ('' = none); never read by scoring
    truth_fault_id        String,
    stream_seq            UInt64,
    ingested_at           DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(ingested_at)
PARTITION BY toYYYYMM(ts)
ORDER BY (run_id, ts, event_id);

-- Per trip: the expected fare and what the trip scorer made of it (every trip, not only anomalies).
CREATE TABLE IF NOT EXISTS trip_scores
(
    run_id        LowCardinality(String),
    event_id      String,
    ts            DateTime64(3, 'UTC'),
    pickup_cell   String,                                -- resolution 8
    fare_amount   Float64,
    expected_fare Nullable(Float64),                     -- the fare model's prediction; NULL without a model
    fare_score    Nullable(Float32),                     -- the model's residual score, 0–100
    score         Float32,                               -- combined trip score, 0–100
    severity      LowCardinality(String),
    kind          LowCardinality(String),                -- overcharge | impossible | detour | '' (what the evidence points to)
    top_feature   LowCardinality(String),
    drivers       String,                                -- JSON array of AnomalyDriver
    detector      LowCardinality(String),
    model         LowCardinality(String),
    scored_at     DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(scored_at)
PARTITION BY toYYYYMM(ts)
ORDER BY (run_id, ts, event_id);

-- Per (resolution, cell, 5-minute boundary): the hopping-window aggregates and the demand score.
-- Quiet boundaries (no pickup or dropoff in the 60-minute window, score 0) are not written: a
-- missing row reads as zeros (processor/src/domains/trip/trip-batch.ts, isQuietCellRow).
CREATE TABLE IF NOT EXISTS trip_cell_windows
(
    run_id            LowCardinality(String),
    resolution        UInt8,
    cell              String,
    window_end        DateTime64(3, 'UTC'),
    pickups_15m       UInt32,
    pickups_60m       UInt32,
    dropoffs_15m      UInt32,
    dropoffs_60m      UInt32,
    fare_per_mile_60m Float64,
    speed_mph_60m     Float64,
    expected_15m      Nullable(Float64),                 -- baseline expectation of pickups_15m
    if_score          Nullable(Float32),                 -- the demand model's calibrated score
    score             Float32,
    severity          LowCardinality(String),
    direction         LowCardinality(String),            -- surge | collapse | ''
    top_feature       LowCardinality(String),
    drivers           String,
    model             LowCardinality(String),
    scored_at         DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(scored_at)
PARTITION BY toYYYYMM(window_end)
ORDER BY (run_id, resolution, cell, window_end);

-- Pickups per minute per cell, at each resolution: what analysts query for demand.
-- Read through the trip_pickups_per_minute_r* views (they merge the states).
CREATE TABLE IF NOT EXISTS trip_pickups_r7_agg
(
    run_id LowCardinality(String),
    cell   String,
    minute DateTime('UTC'),
    trips  AggregateFunction(uniqExact, String)
)
ENGINE = AggregatingMergeTree
PARTITION BY toYYYYMM(minute)
ORDER BY (run_id, cell, minute);

CREATE TABLE IF NOT EXISTS trip_pickups_r8_agg AS trip_pickups_r7_agg;
CREATE TABLE IF NOT EXISTS trip_pickups_r9_agg AS trip_pickups_r7_agg;

CREATE MATERIALIZED VIEW IF NOT EXISTS trip_pickups_r7_mv TO trip_pickups_r7_agg AS
SELECT run_id, pickup_cell_r7 AS cell, toStartOfMinute(pickup_ts) AS minute, uniqExactState(event_id) AS trips
FROM trip_events GROUP BY run_id, cell, minute;

CREATE MATERIALIZED VIEW IF NOT EXISTS trip_pickups_r8_mv TO trip_pickups_r8_agg AS
SELECT run_id, pickup_cell_r8 AS cell, toStartOfMinute(pickup_ts) AS minute, uniqExactState(event_id) AS trips
FROM trip_events GROUP BY run_id, cell, minute;

CREATE MATERIALIZED VIEW IF NOT EXISTS trip_pickups_r9_mv TO trip_pickups_r9_agg AS
SELECT run_id, pickup_cell_r9 AS cell, toStartOfMinute(pickup_ts) AS minute, uniqExactState(event_id) AS trips
FROM trip_events GROUP BY run_id, cell, minute;

CREATE VIEW IF NOT EXISTS trip_pickups_per_minute_r7 AS
SELECT run_id, cell, minute, uniqExactMerge(trips) AS pickups FROM trip_pickups_r7_agg GROUP BY run_id, cell, minute;

CREATE VIEW IF NOT EXISTS trip_pickups_per_minute_r8 AS
SELECT run_id, cell, minute, uniqExactMerge(trips) AS pickups FROM trip_pickups_r8_agg GROUP BY run_id, cell, minute;

CREATE VIEW IF NOT EXISTS trip_pickups_per_minute_r9 AS
SELECT run_id, cell, minute, uniqExactMerge(trips) AS pickups FROM trip_pickups_r9_agg GROUP BY run_id, cell, minute;
