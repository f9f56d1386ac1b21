// Row shapes exactly as the ClickHouse tables spell them (snake_case stays at this edge).
// DateTime64 columns are sent as epoch milliseconds.

export interface SensorEventRow {
  run_id: string;
  event_id: string;
  station: string;
  partition: number;
  ts: number;
  channels: Record<string, number>;
  late: 0 | 1;
  truth_kind: string;
  truth_fault_id: string;
  stream_seq: number;
  ingested_at: number;
}

export interface ScoreRow {
  run_id: string;
  domain: string;
  entity: string;
  event_id: string;
  ts: number;
  detector: string;
  score: number;
  severity: string;
  top_feature: string;
  drivers: string;
  scored_at: number;
  /** Model chain verdict (cluster −1 and model '' when no model scored the item). */
  cluster?: number;
  model?: string;
  model_score?: number;
  model_raw?: number;
}

export interface AnomalyRow {
  run_id: string;
  domain: string;
  entity: string;
  event_id: string;
  ts: number;
  detector: string;
  score: number;
  severity: string;
  top_feature: string;
  drivers: string;
  values: Record<string, number>;
  emitted_at: number;
}

export interface SensorWindowRow {
  run_id: string;
  station: string;
  window_start: number;
  window_end: number;
  readings: number;
  mean: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
  max_score: number;
  closed_at: number;
}

export interface DeadLetterRow {
  run_id: string;
  domain: string;
  subject: string;
  stream_seq: number;
  kind: string;
  reason: string;
  payload: string;
  rejected_at: number;
}

export interface RunRow {
  run_id: string;
  domain: string;
  kind: 'live' | 'replay' | 'bench';
  started_at: number;
  params: string;
  code_version: string;
  updated_at: number;
}

export interface TripEventRow {
  run_id: string;
  event_id: string;
  partition: number;
  ts: number;
  pickup_ts: number;
  pickup_lat: number;
  pickup_lng: number;
  dropoff_lat: number;
  dropoff_lng: number;
  pickup_cell_r7: string;
  pickup_cell_r8: string;
  pickup_cell_r9: string;
  dropoff_cell_r9: string;
  vendor: number;
  passenger_count: number;
  trip_distance: number;
  rate_code: number;
  payment_type: number;
  fare_amount: number;
  extra: number;
  mta_tax: number;
  tip_amount: number;
  tolls_amount: number;
  improvement_surcharge: number;
  congestion_surcharge: number;
  airport_fee: number;
  cbd_congestion_fee: number;
  total_amount: number;
  pickup_late: 0 | 1;
  truth_kind: string;
  truth_fault_id: string;
  stream_seq: number;
  ingested_at: number;
}

export interface TripScoreRow {
  run_id: string;
  event_id: string;
  ts: number;
  pickup_cell: string;
  fare_amount: number;
  expected_fare: number | null;
  fare_score: number | null;
  score: number;
  severity: string;
  kind: string;
  top_feature: string;
  drivers: string;
  detector: string;
  model: string;
  scored_at: number;
}

export interface TripCellWindowRow {
  run_id: string;
  resolution: number;
  cell: string;
  window_end: number;
  pickups_15m: number;
  pickups_60m: number;
  dropoffs_15m: number;
  dropoffs_60m: number;
  fare_per_mile_60m: number;
  speed_mph_60m: number;
  expected_15m: number | null;
  if_score: number | null;
  score: number;
  severity: string;
  direction: string;
  top_feature: string;
  drivers: string;
  model: string;
  scored_at: number;
}

/** Table names, so adapters and tests never spell them twice. */
export const TABLES = {
  runs: 'runs',
  sensorEvents: 'sensor_events',
  scores: 'scores',
  /** Null table: a reading with its score's columns, fanned out to sensor_events and scores by materialised views (migration 0006). */
  sensorScoredIn: 'sensor_scored_in',
  anomalies: 'anomalies',
  sensorWindows: 'sensor_windows',
  deadLetters: 'dead_letters',
  features: 'features',
  processorSnapshots: 'processor_snapshots',
  tripEvents: 'trip_events',
  tripScores: 'trip_scores',
  tripCellWindows: 'trip_cell_windows',
} as const;

export interface FeatureRow {
  run_id: string;
  domain: string;
  feature_set: string;
  entity: string;
  event_id: string;
  ts: number;
  names: readonly string[];
  values: number[];
  computed_at: number;
}

export interface ProcessorSnapshotRow {
  run_id: string;
  domain: string;
  partitions: string;
  format: string;
  version: number;
  seqs: string;
  state: string;
  bytes: number;
  taken_at: number;
}
