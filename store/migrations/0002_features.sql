-- Feature vectors exactly as the TypeScript processor computed them while scoring (live or
-- replay). Training sets are exports of this table: Python never recomputes a feature.
CREATE TABLE IF NOT EXISTS features
(
    run_id      LowCardinality(String),
    domain      LowCardinality(String),
    feature_set LowCardinality(String),           -- e.g. sensor-chain@1: names and order are versioned
    entity      LowCardinality(String),
    event_id    String,
    ts          DateTime64(3, 'UTC'),
    names       Array(LowCardinality(String)),
    `values`    Array(Float64),
    computed_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toYYYYMM(ts)
ORDER BY (run_id, domain, feature_set, entity, ts, event_id);
