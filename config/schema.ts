import { z } from 'zod';
import { registeredDomains } from '../processor/src/domains/registry.ts';

// One typed configuration for every app. Defaults run the whole stack on one machine.
// zod 4: `.prefault({})` (not `.default({})`) so that nested defaults are applied.

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

export const NatsConfig = z.strictObject({
  /** Existing server to use; when unset `vigia up` starts a local nats-server. Env NATS_URL. */
  url: z
    .string()
    .regex(/^(nats|tls|ws|wss):\/\/[^,\s]+(,(nats|tls|ws|wss):\/\/[^,\s]+)*$/, 'expected nats://host:port, or several such URLs separated by commas')
    .optional(),
  /** Port of the local nats-server `vigia up` starts. @default 4222 */
  port: port.default(4222),
  /** nats-server binary; found on PATH when unset. Env NATS_SERVER_BIN. */
  serverBin: z.string().optional(),
});

export const ClickHouseConfig = z.strictObject({
  /** ClickHouse server URL; when unset, embedded chDB in `<dataDir>/chdb`. Env CLICKHOUSE_URL. */
  url: z.string().url().optional(),
  username: z.string().default('default'),
  password: z.string().default(''),
  /** Database for all Vigía tables. @default 'vigia' */
  database: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier').default('vigia'),
});

export const HttpConfig = z.strictObject({
  /** Interface the UI/API server binds. @default '127.0.0.1' */
  host: z.string().default('127.0.0.1'),
  /** Port of the UI, socket.io, /health, /metrics and /api. 0 picks a free port. @default 8080 */
  port: port.default(8080),
  /**
   * Bearer token of the API, socket.io and /metrics. Unset: generated on first start into
   * `<dataDir>/access/http-token` (mode 0600) and reused after. Env VIGIA_TOKEN.
   */
  token: z.string().regex(/^[\x21-\x7e]{16,256}$/, '16–256 printable ASCII characters, no spaces').optional(),
  /**
   * Host names (no port) the server answers besides the bound host, localhost, 127.0.0.1 and
   * [::1]; anything else is refused (DNS rebinding). '*' accepts any. Env VIGIA_HTTP_ALLOWED_HOSTS
   * (comma-separated). @default []
   */
  allowedHosts: z.array(z.string().min(1)).default([]),
  /** /metrics asks for the token too (Prometheus: `authorization.credentials_file`). Env VIGIA_METRICS_NEED_TOKEN. @default true */
  metricsNeedToken: z.boolean().default(true),
  /** Largest request body the API reads, bytes; more is refused with 413. @default 65536 */
  maxBodyBytes: positiveInt.max(16 * 1024 * 1024).default(64 * 1024),
  /** Largest socket.io message a client may send, bytes. @default 16384 */
  socketMaxMessageBytes: positiveInt.max(1024 * 1024).default(16 * 1024),
  /** Rooms (domains, entities) one socket may join; more are refused with an `error_message`. @default 64 */
  socketMaxRooms: positiveInt.max(10_000).default(64),
  /** Open socket.io connections per client address. @default 32 */
  socketMaxPerAddress: positiveInt.max(10_000).default(32),
});

/** Bounds on analyst SQL (`POST /api/sql`, `vigia sql`): every query runs read-only within them. */
export const SqlConfig = z.strictObject({
  /** ClickHouse stops a query that runs longer (max_execution_time), seconds. @default 30 */
  maxExecutionSeconds: z.number().positive().max(3600).default(30),
  /** Memory one query may use (max_memory_usage), MiB. @default 512 */
  maxMemoryMiB: positiveInt.default(512),
  /** Rows an answer carries; more are cut and the answer says `truncated`. @default 10000 */
  maxResultRows: positiveInt.max(1_000_000).default(10_000),
  /** Size of a result before formatting (max_result_bytes), MiB; a larger one fails with 413. @default 32 */
  maxResultMiB: positiveInt.max(1024).default(32),
  /** CPU threads per query (max_threads). @default 2 */
  maxThreads: positiveInt.max(256).default(2),
  /**
   * Queries running at once, each on its own read-only session; one more gets 429. Each holds one
   * of libuv's worker threads while it runs: keep it below UV_THREADPOOL_SIZE − 2 (Node's default is
   * 4; `vigia up` and the harness start the processor with 16), so ingestion's chDB calls are never
   * queued behind analyst queries. @default 2
   */
  maxConcurrent: positiveInt.max(16).default(2),
  /** Longest SQL text accepted, bytes. @default 65536 */
  maxQueryBytes: positiveInt.max(262_144).default(65_536),
});

export const StreamsConfig = z.strictObject({
  /** How long the event log keeps events, hours. @default 168 (7 days) */
  eventsMaxAgeHours: z.number().positive().default(168),
  /** Size cap of each event stream, MiB. @default 4096 */
  eventsMaxMiB: positiveInt.default(4096),
  /** How long alerts stay on ANOMALIES, hours. @default 72 */
  anomaliesMaxAgeHours: z.number().positive().default(72),
  /** How long dead letters are kept, hours. @default 336 (14 days) */
  deadLettersMaxAgeHours: z.number().positive().default(336),
  /** JetStream de-duplication window for producer retries (by event id), seconds. @default 120 */
  duplicateWindowSeconds: positiveInt.default(120),
  /** Copies of each stream in a NATS cluster (1 on a single server). Env VIGIA_STREAM_REPLICAS. @default 1 */
  replicas: z.number().int().min(1).max(5).default(1),
  /** Number of partitions per domain; fixed once streams hold data. @default 4 */
  partitions: z.number().int().min(1).max(256).default(4),
});

/**
 * Bounded memory per key (processor/src/core/key-budget.ts), per domain. Measured
 * (`vigia bench state-size`): a sensor station takes ~39 KiB new, ~170 KiB after a day of minute
 * readings, ~420 KiB after a week, ~660 KiB once its onset memory is full (about six weeks); a
 * trip r9 cell ~16 KiB.
 */
export const LimitsConfig = z.strictObject({
  /** Keys (stations, trip r9 cells) holding state, live or evicted; a new station's reading beyond it is dead-lettered (`key_limit`), a trip with new cells beyond it is kept without its cell windows. @default 20000 */
  maxKeysPerDomain: positiveInt.default(20_000),
  /** Bytes of per-key state (live estimate + evicted serialized) a domain may hold; a new key past it is refused as for maxKeysPerDomain, and at the end of each batch the least recently seen keys are evicted (then the oldest evicted ones forgotten) until the state fits. @default 805306368 (768 MiB) */
  stateBudgetBytes: positiveInt.default(768 * 1024 * 1024),
  /** A key not seen for this much event time (behind the domain's newest event) leaves the live maps; its state is kept serialized and revived, unchanged, when it returns. 0 = never. @default 86400000 (24 h) */
  idleEvictMs: z.number().int().min(0).default(86_400_000),
  /** An evicted key not seen for this much event time is forgotten: its state is dropped (it no longer counts against the limits) and it starts fresh if it returns. 0 = never. @default 604800000 (7 days) */
  forgetEvictedMs: z.number().int().min(0).default(7 * 86_400_000),
});

/**
 * How one domain's events are cut into micro-batches and committed. Every key is optional: a
 * value resolves, for each domain, from `processor.batching.<domain>`, then the processor-wide
 * key, then the domain module's own default (DomainModule.batching), then BATCHING_DEFAULTS
 * (processor/src/pipeline/domain-batching.ts).
 */
export const BatchingConfig = z.strictObject({
  /** A micro-batch is flushed at this many events… @default 2000 */
  batchMaxEvents: positiveInt.optional(),
  /** …or after this many milliseconds, whichever comes first. @default 100 */
  batchMaxMs: positiveInt.optional(),
  /**
   * …except while the log already holds enough behind the last message to fill the batch
   * (a consumer behind the log): then the batch waits for them up to this many milliseconds
   * after its first event, so a backlog is written in full batches. @default 1000
   */
  batchMaxHoldMs: positiveInt.optional(),
  /** Micro-batches whose writes may overlap (scoring stays in log order). @default 2 (sensor: 32) */
  commitConcurrency: z.number().int().min(1).max(64).optional(),
  /**
   * Unacked messages JetStream hands one partition's consumer. Beyond the batches being scored
   * and written, more only queue in memory, and a queued message redelivers if it waits past
   * ackWaitSeconds: keep partitions × maxAckPending below (slowest rate under backlog) ×
   * ackWaitSeconds. (10 000 redelivered a third of a trip backlog at ~300 trips/s.) @default 2000 (sensor: 5000)
   */
  maxAckPending: positiveInt.optional(),
  /**
   * Scored batches' rows wait for more before they are written, until this many events wait…
   * (one INSERT per table for all of them; each batch still acks only once its rows committed).
   * Size commitConcurrency so that batches keep being scored meanwhile: about
   * (writeMaxWaitMs + an INSERT's time) ÷ batchMaxMs. @default 0 (sensor: 8000)
   */
  writeMinEvents: z.number().int().min(0).optional(),
  /** …or the oldest has waited this long, ms; 0 = written at once. @default 0 (sensor: 1000) */
  writeMaxWaitMs: z.number().int().min(0).max(60_000).optional(),
  /**
   * …and only while events arrive at least this fast (per second, measured over writeMaxWaitMs);
   * slower, a batch is written at once: at a trickle an INSERT's fixed cost is affordable and a
   * row waiting writeMaxWaitMs to be stored is not. 0 = linger at any rate. @default 0 (sensor: 1000)
   */
  writeLingerFromRate: z.number().min(0).optional(),
  /**
   * Rows per INSERT statement at most: the store owner cuts a larger write into several, each its
   * own turn, so one domain's big batch does not hold a session for seconds. Every INSERT costs a
   * fixed part, so a domain whose writes are many cheap rows wants it high. @default 4000 (sensor: 20000)
   */
  maxRowsPerInsert: positiveInt.optional(),
});

export const ProcessorConfig = z.strictObject({
  /** Partitions this instance consumes; empty = all. Several instances split them. @default [] */
  partitions: z.array(z.number().int().min(0)).default([]),
  /** Run id written into every row; `live` for live processing. @default 'live' */
  runId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('live'),
  // The BatchingConfig keys: set here, they apply to every domain; unset, each domain takes its
  // module's own (DomainModule.batching), else BATCHING_DEFAULTS. `batching.<domain>` overrides
  // them for one domain.
  ...BatchingConfig.shape,
  /**
   * Micro-batching for one domain, by module name: overrides the processor-wide keys above and
   * the module's own defaults (`{ "sensor": { "batchMaxEvents": 4000 } }`). A name no module is
   * registered under is refused at start-up. @default {}
   */
  batching: z.record(z.string(), BatchingConfig).default({}),
  /** Redelivery timeout for an unacked message, seconds; also how long a crashed instance's
   * in-flight messages wait before another delivery. Retrying sinks extend it. @default 60 */
  ackWaitSeconds: positiveInt.default(60),
  /**
   * Write the feature vectors of the live run to `features` too. Off: feature vectors are
   * training data, written by replays (`vigia replay … --run R`, then `vigia features export
   * --run R`), and live ingestion skips their inserts. @default false
   */
  liveFeatureRows: z.boolean().default(false),
  /** Event-time tumbling window per station, ms. @default 300000 (5 min) */
  windowMs: positiveInt.default(300_000),
  /** Events up to this much older than the station's watermark still count, ms. @default 120000 */
  allowedLatenessMs: z.number().int().min(0).default(120_000),
  /** Interval between state snapshots (windows, detectors, log position), ms. @default 30000 */
  snapshotIntervalMs: positiveInt.default(30_000),
  /**
   * Events further than this ahead of the processor's wall clock are dead-lettered
   * (`future_timestamp`), ms. Small: an accepted event moves its key's watermark, so one
   * reading 23 h ahead would mark a day of the station's real readings late. Covers clock skew
   * between producers and the processor, not data from the future. @default 300000 (5 min)
   */
  maxFutureMs: positiveInt.default(300_000),
  /** Domains this instance processes, by module name (processor/src/domains/registry.ts). @default every registered domain */
  domains: z
    .array(z.string())
    .min(1, 'name at least one domain')
    // Which names exist is the registry's (tests register their own): the processor refuses an
    // unknown one at start-up, naming processor.domains (UnknownDomainError).
    .default(registeredDomains()),
  /**
   * How far behind the city's newest dropoff a trip's pickup still counts in its window, ms.
   * Trips are published when they end, so pickups arrive up to a trip's duration late; a
   * boundary is scored only once this much later, so it is also the demand alerts' minimum
   * delay. 30 min keeps ~87 % of pickups on time (60 min ~98 %, at twice the delay). @default 1800000
   */
  tripAllowedLatenessMs: z.number().int().min(0).max(6 * 3_600_000).default(1_800_000),
  /** Window and score trip demand per H3 cell; off = trips are stored, counted and fare-scored only. @default true */
  tripCellWindows: z.boolean().default(true),
  /**
   * /health says "degraded" when a domain has had events waiting (pending or unacked) but
   * committed no batch for this long, seconds: a stuck sink or a poison loop, not a slow one. @default 30
   */
  stallAfterSeconds: positiveInt.default(30),
  /** Bounds on the keys holding state, per domain. */
  limits: LimitsConfig.prefault({}),
  /**
   * Worker threads that score (processor/src/workers/): 0 = every domain in the main thread, next
   * to HTTP and socket.io; N = N threads, each with its own NATS connection, models and
   * committer, writing through the main thread's chDB. With fewer workers than domains a
   * worker runs several domains; with more, a domain's partitions are split across workers (each
   * split has its own snapshot, and processor.limits is divided among them; changing the split
   * rebuilds that domain's state from the log once). 'auto' = one per configured domain.
   * @default 'auto' (the store's statements take turns by lane on two chDB sessions, so a
   * worker's backlog no longer holds up another's rows or /health; measured with `vigia bench
   * isolation`, see README, Isolation)
   */
  workers: z.union([z.literal('auto'), z.number().int().min(0).max(64)]).default('auto'),
});

export const SensorChainConfig = z.strictObject({
  /** Score sensor readings with the model chain (scaler → k-means → per-cluster forest). @default true */
  enabled: z.boolean().default(true),
  /** Folder with card.json and the ONNX files, relative to the project. @default 'models/sensor-chain/1' */
  modelDir: z.string().min(1).default('models/sensor-chain/1'),
  /** onnxruntime threads per run. @default 1 */
  intraOpThreads: z.number().int().min(1).max(16).default(1),
  /**
   * The chain may raise a reading's score only from this calibrated score up. @default 100
   * (informational: measured on the demo two weeks after its training window, the pooled
   * chain's fused alerts were 237 false to 28 true, the online detectors' 53 to 243 — its
   * score, cluster and driver are stored and shown, but it decides nothing until it is
   * retrained on recent data; lower this for a freshly trained model)
   */
  fuseFrom: z.number().min(0).max(100).default(100),
});

export const TripModelsConfig = z.strictObject({
  /** Score trips with the expected-fare regressor and cells with the demand forest. @default true */
  enabled: z.boolean().default(true),
  /** Folder of the expected-fare model (card.json + ONNX), relative to the project. @default 'models/trip-fare/1' */
  fareDir: z.string().min(1).default('models/trip-fare/1'),
  /** Folder of the cell-demand Isolation Forest, relative to the project. @default 'models/trip-demand/1' */
  demandDir: z.string().min(1).default('models/trip-demand/1'),
  /** onnxruntime threads per run. @default 1 */
  intraOpThreads: z.number().int().min(1).max(16).default(1),
});

export const TradeModelConfig = z.strictObject({
  /**
   * Score declarations with the autoencoder (models/trade-ae) beside the deterministic rules, and
   * explain every anomaly with exact Shapley values over the feature groups. false = the interim
   * online score of trade-interim-score.ts (rules + hand-set signals), no Shapley values. @default true
   */
  enabled: z.boolean().default(true),
  /** Folder with card.json and autoencoder.onnx, relative to the project. @default 'models/trade-ae/4' */
  modelDir: z.string().min(1).default('models/trade-ae/4'),
  /** onnxruntime threads per run. @default 1 */
  intraOpThreads: z.number().int().min(1).max(16).default(1),
  /**
   * What stands beside the model (final score = the larger): 'rules' = only the rules that must
   * never be missed (quota exceeded, impossible weights); 'interim' = the whole interim score
   * (rules and its hand-set online signals). 'interim' by measurement (bench seeds 3–5, offline
   * harness with the model stage): the same F1 for every kind and the same false alarms per day as
   * the interim score alone, plus the model's Shapley values on every anomaly; 'rules' loses the
   * behavioural, price and route kinds (found 168 of 616 incidents against 609). @default 'interim'
   */
  alongside: z.enum(['rules', 'interim']).default('interim'),
  /**
   * Self-calibration of the model's score per company (company-model-levels.ts): a company's
   * usual reconstruction error is the exponentially weighted geometric mean of its own errors,
   * this weight per declaration, and a company whose usual error is above the training median is
   * judged at its own scale (error / its level). 0 = off (the card's calibration alone). Chosen
   * on bench seeds 1, 2, 6, 7 (README "Trade bench"). @default 0.02
   */
  selfCalibrationRate: z.number().min(0).lt(1).default(0.02),
});

export const ScoringConfig = z.strictObject({
  sensorChain: SensorChainConfig.prefault({}),
  tripModels: TripModelsConfig.prefault({}),
  tradeModel: TradeModelConfig.prefault({}),
  /** Lower bound of each severity band on the 0–100 score; below `minor` is not an anomaly. */
  severityBands: z
    .strictObject({
      minor: z.number().min(0).max(100).default(70),
      major: z.number().min(0).max(100).default(85),
      critical: z.number().min(0).max(100).default(95),
    })
    .prefault({})
    .refine((b) => b.minor <= b.major && b.major <= b.critical, 'bands must satisfy minor ≤ major ≤ critical'),
});

export const SensorProducerConfig = z.strictObject({
  /** Readings per second (wall clock). @default 200 */
  rate: z.number().positive().default(200),
  /** Number of stations. @default 12 */
  stations: positiveInt.default(12),
  /** Expected injected faults per station per simulated day. @default 2 */
  faultRate: z.number().min(0).default(2),
  /** PRNG seed. @default 1 */
  seed: z.number().int().default(1),
  /** Event time between two readings of a station, ms. @default 60000 */
  stepMs: positiveInt.default(60_000),
  /** Publishes awaiting a JetStream ack at once. @default 1000 */
  maxInFlight: positiveInt.default(1000),
});

export const TripProducerConfig = z.strictObject({
  /** PRNG seed; the same seed and start give the same trips. @default 1 */
  seed: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer').default(1),
  /** Trips per unit of the demand series, i.e. per NYC taxi trip of 2014 (0.01 ≈ 150 per half hour on average). @default 0.01 */
  scale: z.number().min(0).max(10).default(0.01),
  /** Probability that a normal trip becomes an overcharge, impossible trip or detour. @default 0.002 */
  anomalyRate: z.number().min(0).max(1).default(0.002),
  /** Expected demand episodes (surges, collapses) per simulated UTC day. @default 2 */
  episodesPerDay: z.number().min(0).max(1000).default(2),
  /**
   * Half-hourly demand series in the NAB nyc_taxi.csv layout, or 'shape' for the committed weekly
   * shape. Unset: ../shared/data/nab/realKnownCause/nyc_taxi.csv when present, else the shape.
   */
  demandFile: z.string().min(1).optional(),
  /** Event time runs this many times faster than the wall clock, or 'max' (as fast as JetStream acks); a simulation never runs ahead of the clock. @default 'max' */
  speed: z.union([z.number().positive().max(1e9), z.literal('max')]).default('max'),
  /** Publishes awaiting a JetStream ack at once. @default 1000 */
  maxInFlight: positiveInt.default(1000),
});

export const TradeProducerConfig = z.strictObject({
  /** PRNG seed; the same seed and start give the same declarations. @default 1 */
  seed: z.number().int().refine(Number.isSafeInteger, 'must be a safe integer').default(1),
  /** Exporters at the start (heavy-tailed sizes: most file a declaration a week, a few dozens a day). @default 500 */
  companies: positiveInt.max(1_000_000).default(500),
  /** Probability that a declaration of a company with some history becomes a price, weight, route or misclassification anomaly. @default 0.003 */
  anomalyRate: z.number().min(0).max(1).default(0.003),
  /** Expected episodes (burst, structuring, new company, over quota, unusual route) per simulated UTC day. @default 2 */
  episodesPerDay: z.number().min(0).max(1000).default(2),
  /** Event time runs this many times faster than the wall clock, or 'max'; a simulation never runs ahead of the clock. @default 'max' */
  speed: z.union([z.number().positive().max(1e9), z.literal('max')]).default('max'),
  /** Publishes awaiting a JetStream ack at once. @default 1000 */
  maxInFlight: positiveInt.default(1000),
});

export const VigiaConfig = z.strictObject({
  /** Where nats-server's JetStream files and chDB live. Env VIGIA_DATA_DIR. @default '.vigia' */
  dataDir: z.string().min(1).default('.vigia'),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  nats: NatsConfig.prefault({}),
  clickhouse: ClickHouseConfig.prefault({}),
  http: HttpConfig.prefault({}),
  sql: SqlConfig.prefault({}),
  streams: StreamsConfig.prefault({}),
  processor: ProcessorConfig.prefault({}),
  scoring: ScoringConfig.prefault({}),
  producers: z.strictObject({ sensor: SensorProducerConfig.prefault({}), trip: TripProducerConfig.prefault({}), trade: TradeProducerConfig.prefault({}) }).prefault({}),
});

export type VigiaConfig = z.infer<typeof VigiaConfig>;
/** What a config file or an override may contain: any subset. */
export type VigiaConfigInput = z.input<typeof VigiaConfig>;
