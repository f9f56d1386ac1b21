// Which part of the pipeline a profiled function belongs to, from its file and name. The rules
// read file paths, not module identities, so they keep working when processor files move
// (processor/src/domain/* → processor/src/domains/<name>/…): they match on file names.

export interface CallFrame {
  functionName: string;
  url: string;
}

/** A category, and whether it names real work (strong) or plumbing that belongs to its caller (weak). */
export interface Category {
  name: string;
  /** Weak frames (RxJS, Node internals, natives) take the category of the nearest strong caller for self time. */
  weak: boolean;
}

interface Rule {
  category: string;
  weak?: boolean;
  fn?: RegExp;
  url?: RegExp;
}

const SENSOR_DETECTORS = ['onset-novelty', 'relation', 'ewma-residual', 'level-shift', 'flatline', 'period-residual', 'quadratic-fit', 'regime-offset', 'joint-deviation', 'sensor-detector'];
const TRIP_SCORERS = ['cell-demand-scorer', 'count-history', 'count-tails', 'demand-share-baseline', 'ew-histogram', 'seasonal-baseline', 'trip-scorer', 'material-fare-score', 'meter-fare-model', 'cell-alert-episodes'];

const file = (names: string[]) => new RegExp(`/(?:${names.join('|')})\\.ts$`);

/** First match wins; order matters where a file could match two rules. */
const RULES: Rule[] = [
  { category: 'idle (waiting: chDB on libuv threads, NATS, timers)', fn: /^\(idle\)$/ },
  { category: 'GC', fn: /^\(garbage collector\)$/ },
  { category: 'V8 (program)', fn: /^\((program|root)\)$/ },
  { category: 'bench profiler (preload)', url: /phase-profiler-preload\.mjs$/, weak: true },
  { category: 'snapshot', url: /(snapshot[^/]*|row-checkpoint|typed-array-codec|processor-state|trip-processor-state)\.ts$/ },
  { category: 'snapshot', fn: /^(captureState\w*|serializeSnapshot|saveSnapshot|restoreState\w*)$/ },
  { category: 'zod decode', url: /\/zod\// },
  { category: 'decode (JSON.parse, checks)', url: /\/(decode-[\w-]+|dead-letter-of|bound-dead-letter)\.ts$/ },
  { category: 'windows', url: /\/(tumbling-windows|cell-hopping-windows|trip-cell-keys)\.ts$/ },
  { category: 'feature rows', url: /\/(sensor-chain-features|trip-cell-features|trip-fare-features|feature[\w-]*)\.ts$/ },
  { category: 'ONNX', url: /(\/adapters\/onnx\/|onnxruntime)/ },
  { category: 'ONNX', url: /\/apply-model-scores\.ts$/ },
  // The onset component's nearest-window search lives in its own file.
  { category: 'sensor detector: onset-novelty', url: file(['shape-window-index']) },
  ...SENSOR_DETECTORS.map((d) => ({ category: `sensor detector: ${d}`, url: file([d]) })),
  ...TRIP_SCORERS.map((d) => ({ category: `trip scorer: ${d}`, url: file([d]) })),
  { category: 'tail statistics (shared by both domains)', url: file(['tail']) },
  { category: 'score bands, reasons (component, score-scale/bands)', url: /\/(component|four-significant|score-bands|score-scale)\.ts$/ },
  { category: 'key budget', url: /\/key-budget\.ts$/ },
  { category: 'H3 (h3-js)', url: /\/h3-js\// },
  { category: 'JSON serialisation of inserts', url: /@clickhouse\/client[\w-]*\/dist\/(common\/data_formatter|utils\/encoder|data_formatter)/ },
  { category: 'ClickHouse client + chDB call (main thread)', url: /(\/chdb\/|@clickhouse\/client)/ },
  { category: 'ClickHouse row mapping (stores)', url: /\/adapters\/clickhouse\// },
  { category: 'NATS publish (alerts, dead letters)', url: /\/(nats-anomaly-publisher|nats-dead-letter-publisher|jetstream-publisher)\.ts$/ },
  { category: 'NATS consume/ack', url: /(\/@nats-io\/|\/jetstream-source\.ts$)/ },
  { category: 'batch core (sensor-batch, trip-batch, commit)', url: /\/(sensor-batch|trip-batch|trip-cell-pipeline|create-trip-scoring|reading-scorer|sensor-keyed-state|commit-batch|trip-commit-batch|micro-batch|retry-until-done|unless-permanent|filter-[\w-]+)\.ts$/ },
  { category: 'HTTP, metrics, socket.io', url: /(\/hono\/|@hono|prom-client|socket\.io|engine\.io|\/ws\/|\/adapters\/(http|socketio)\/|live-stats-ticker|\/metrics\.ts$)/ },
  { category: 'logging', url: /\/(pino|thread-stream|sonic-boom)/ },
  { category: 'RxJS plumbing', url: /\/rxjs\//, weak: true },
  { category: 'Node internals', url: /^node:/, weak: true },
  { category: 'native (JSON, Buffer, natives)', url: /^$/, weak: true },
  { category: 'pipeline wiring (start-*-domain, sensor-pipeline)', url: /\/(start-[\w-]+|sensor-pipeline|[\w-]*-pipeline)\.ts$/, weak: true },
  { category: 'other processor code', url: /\/processor\/src\// },
  { category: 'other', url: /./, weak: true },
];

const cache = new Map<string, Category>();

export function categoryOf(f: CallFrame): Category {
  const key = `${f.functionName}\u0000${f.url}`;
  let c = cache.get(key);
  if (!c) {
    const r = RULES.find((r) => (!r.fn || r.fn.test(f.functionName)) && (!r.url || r.url.test(f.url)) && (r.fn || r.url));
    c = r ? { name: r.category, weak: r.weak ?? false } : { name: 'other', weak: true };
    cache.set(key, c);
  }
  return c;
}
