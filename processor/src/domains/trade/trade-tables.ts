// The trade domain's own tables (the shared ones — anomalies, dead_letters, features — are in
// store/migrations). Row shapes spell the ClickHouse columns exactly; DateTime64 as epoch ms.

export const TRADE_TABLES = {
  declarations: 'trade_declarations',
  scores: 'trade_scores',
  edgesDaily: 'trade_edges_daily',
  routesDaily: 'trade_routes_daily',
} as const;

export interface TradeDeclarationRow {
  run_id: string;
  event_id: string;
  partition: number;
  ts: number;
  exporter_id: string;
  exporter_name: string;
  hs_code: string;
  subheading: string;
  port: string;
  destination: string;
  transport_mode: string;
  fob_usd: number;
  net_kg: number;
  gross_kg: number;
  quantity: number;
  unit: string;
  controlled: 0 | 1;
  licence: string;
  quota_kg: number;
  truth_kind: string;
  truth_fault_id: string;
  stream_seq: number;
  ingested_at: number;
}

export interface TradeScoreRow {
  run_id: string;
  event_id: string;
  ts: number;
  exporter_id: string;
  subheading: string;
  port: string;
  destination: string;
  score: number;
  severity: string;
  /** Feature group of the strongest driver (price, weight, volume, company, route, quota). */
  top_group: string;
  top_feature: string;
  detector: string;
  drivers: string;
  /** Share of the licence's yearly quota used (0 for uncontrolled goods). */
  quota_used: number;
  /** Exact Shapley value of the score per feature group; empty when the detector gives none. */
  shapley: Record<string, number>;
  scored_at: number;
}

export const TRADE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${TRADE_TABLES.declarations}
   (
       run_id         LowCardinality(String),
       event_id       String,
       partition      UInt16,
       ts             DateTime64(3, 'UTC'),
       exporter_id    String,
       exporter_name  String,
       hs_code        String,
       subheading     LowCardinality(String),
       port           LowCardinality(String),
       destination    LowCardinality(String),
       transport_mode LowCardinality(String),
       fob_usd        Float64,
       net_kg         Float64,
       gross_kg       Float64,
       quantity       Float64,
       unit           LowCardinality(String),
       controlled     UInt8,
       licence        String,
       quota_kg       Float64,
       truth_kind     LowCardinality(String),      -- producer ground truth ('' = none); never read by scoring
       truth_fault_id String,
       stream_seq     UInt64,
       ingested_at    DateTime64(3, 'UTC')
   )
   ENGINE = ReplacingMergeTree(ingested_at)
   PARTITION BY toYYYYMM(ts)
   ORDER BY (run_id, exporter_id, ts, event_id)`,
  `CREATE TABLE IF NOT EXISTS ${TRADE_TABLES.scores}
   (
       run_id      LowCardinality(String),
       event_id    String,
       ts          DateTime64(3, 'UTC'),
       exporter_id String,
       subheading  LowCardinality(String),
       port        LowCardinality(String),
       destination LowCardinality(String),
       score       Float32,
       severity    LowCardinality(String),
       top_group   LowCardinality(String),
       top_feature LowCardinality(String),
       detector    LowCardinality(String),
       drivers     String,
       quota_used  Float32,
       scored_at   DateTime64(3, 'UTC')
   )
   ENGINE = ReplacingMergeTree(scored_at)
   PARTITION BY toYYYYMM(ts)
   ORDER BY (run_id, exporter_id, ts, event_id)`,
  // The company × subheading × port graph per day. A plain view over the declarations FINAL,
  // not a materialised one: an aggregate filled on insert would sum a redelivered batch that is
  // written twice twice over, whereas FINAL reads each declaration once (same sorting key), so
  // declarations and sums are exact at any time. Reads filter on run, company and day, which
  // ClickHouse pushes into the declarations' primary key (run_id, exporter_id, ts).
  // `declarations` stays a uniqExact state so queries written for the earlier aggregating table
  // (uniqExactMerge(declarations), sum(fob_usd)) read the view unchanged. Stores from before
  // had a table filled by `_mv`: dropping that and CREATE OR REPLACE turn them into the view.
  `DROP VIEW IF EXISTS ${TRADE_TABLES.edgesDaily}_mv`,
  `CREATE OR REPLACE VIEW ${TRADE_TABLES.edgesDaily} AS
   SELECT run_id, toDate(ts) AS day, exporter_id, subheading, port,
          uniqExactState(event_id) AS declarations, sum(fob_usd) AS fob_usd, sum(net_kg) AS net_kg
   FROM ${TRADE_TABLES.declarations} FINAL
   GROUP BY run_id, day, exporter_id, subheading, port`,
  // Added after the first trade release, so existing stores gain it in place.
  `ALTER TABLE ${TRADE_TABLES.scores} ADD COLUMN IF NOT EXISTS shapley Map(String, Float32) AFTER quota_used`,
  // The same per day with the destination: a company's whole route (subheading → port →
  // destination), what the trade view's neighbourhood graph reads for one company's days.
  `DROP VIEW IF EXISTS ${TRADE_TABLES.routesDaily}_mv`,
  `CREATE OR REPLACE VIEW ${TRADE_TABLES.routesDaily} AS
   SELECT run_id, exporter_id, toDate(ts) AS day, subheading, port, destination,
          uniqExactState(event_id) AS declarations, sum(fob_usd) AS fob_usd, sum(net_kg) AS net_kg
   FROM ${TRADE_TABLES.declarations} FINAL
   GROUP BY run_id, exporter_id, day, subheading, port, destination`,
];
