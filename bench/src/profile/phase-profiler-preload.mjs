// Loaded into a `vigia processor` child with `node --import` (NODE_OPTIONS) by
// `vigia bench throughput --profile DIR`; never part of the processor itself. Plain JavaScript
// because it runs before the processor registers its TypeScript loader.
//
// While loaded it (1) samples the main thread's CPU with the inspector (as --cpu-prof does,
// 1 ms interval) and (2) times every sink call by wrapping library prototypes the processor
// uses: ClickHouse inserts per table (wall time of the awaited insert: JSON serialisation +
// chDB), JetStream publishes per subject family (wall time during which any was in flight:
// what a batch waits for its alerts), and the synchronous cost of each message ack.
// On SIGUSR2 it writes what it gathered since the last signal to DIR/<n>.cpuprofile and
// DIR/<n>.sinks.json, then DIR/<n>.done, and starts again: one profile per bench phase. It also
// keeps one real batch per table in DIR/rows/<table>.json (sink-costs.ts replays them into chDB).
import { Session } from 'node:inspector';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const dir = process.env.VIGIA_PROFILE_DIR;
if (!dir) throw new Error('phase-profiler-preload: set VIGIA_PROFILE_DIR to the folder the profiles go to');
const require = createRequire(import.meta.url);

/** @type {Record<string, {calls: number, rows: number, ms: number, maxMs: number}>} */
let inserts = {};
/** @type {Record<string, {messages: number, busyMs: number, bursts: number, inFlight: number, since: number}>} */
let publishes = {};
let acks = { calls: 0, ms: 0 };
let startedAt = performance.now();

// createClient builds the package's common ClickHouseClient (not the exported Node subclass):
// patch the subclass's base prototype, which both share.
const base = Object.getPrototypeOf(require('@clickhouse/client').ClickHouseClient.prototype);
const insert = base.insert;
base.insert = async function timedInsert(params) {
  const t0 = performance.now();
  try {
    return await insert.call(this, params);
  } finally {
    const ms = performance.now() - t0;
    const s = (inserts[params.table] ??= { calls: 0, rows: 0, ms: 0, maxMs: 0 });
    s.calls++;
    s.rows += Array.isArray(params.values) ? params.values.length : 0;
    s.ms += ms;
    s.maxMs = Math.max(s.maxMs, ms);
    keepSample(params.table, params.values);
  }
};

/** One real batch per table (the first of 1000+ rows, else the largest), for sink-costs.ts to replay. */
const samples = {};
function keepSample(table, values) {
  if (!Array.isArray(values) || !values.length) return;
  // Tables shared by the domains (scores, anomalies, features, dead_letters) are kept per domain.
  const key = typeof values[0].domain === 'string' ? `${table}.${values[0].domain}` : table;
  const kept = samples[key];
  if (!kept || (kept.length < 1000 && values.length > kept.length)) samples[key] = values;
}

const jsInternal = require('@nats-io/jetstream/internal');
const publish = jsInternal.JetStreamClientImpl.prototype.publish;
jsInternal.JetStreamClientImpl.prototype.publish = async function timedPublish(subject, ...rest) {
  const family = String(subject).split('.')[0];
  const s = (publishes[family] ??= { messages: 0, busyMs: 0, bursts: 0, inFlight: 0, since: 0 });
  if (s.inFlight++ === 0) {
    s.since = performance.now();
    s.bursts++;
  }
  s.messages++;
  try {
    return await publish.call(this, subject, ...rest);
  } finally {
    if (--s.inFlight === 0) s.busyMs += performance.now() - s.since;
  }
};

// JsMsgImpl is not exported; its file is next to the package's main module.
const jsmsg = require(join(dirname(require.resolve('@nats-io/jetstream')), 'jsmsg.js'));
const ack = jsmsg.JsMsgImpl.prototype.ack;
jsmsg.JsMsgImpl.prototype.ack = function timedAck() {
  const t0 = performance.now();
  ack.call(this);
  acks.ms += performance.now() - t0;
  acks.calls++;
};

const session = new Session();
session.connect();
const post = (method, params) => new Promise((res, rej) => session.post(method, params, (err, r) => (err ? rej(err) : res(r))));
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 1000 });
await post('Profiler.start');

let n = 0;
let busy = false;

function takeSinks() {
  const wallMs = performance.now() - startedAt;
  return {
    wallMs,
    inserts,
    publishes: Object.fromEntries(Object.entries(publishes).map(([k, v]) => [k, { messages: v.messages, busyMs: v.busyMs, bursts: v.bursts }])),
    acks,
  };
}

// Whatever the signals did, the rest goes to exit-<pid>.* when the process ends (a processor
// ends with process.exit after its graceful stop): so a bench that sends no SIGUSR2, such as
// `NODE_OPTIONS=--import …/phase-profiler-preload.mjs vigia bench trips`, still gets a profile.
// An in-thread inspector session answers synchronously, as an 'exit' handler needs.
process.on('exit', () => {
  if (busy) return;
  session.post('Profiler.stop', (err, r) => {
    if (err) return;
    writeFileSync(join(dir, `exit-${process.pid}.cpuprofile`), JSON.stringify(r.profile));
    writeFileSync(join(dir, `exit-${process.pid}.sinks.json`), JSON.stringify(takeSinks(), null, 2));
  });
});

process.on('SIGUSR2', () => {
  if (busy) return;
  busy = true;
  const i = ++n;
  const sinks = takeSinks();
  inserts = {};
  publishes = Object.fromEntries(Object.entries(publishes).map(([k, v]) => [k, { ...v, messages: 0, busyMs: 0, bursts: 0, since: performance.now() }]));
  acks = { calls: 0, ms: 0 };
  startedAt = performance.now();
  void (async () => {
    const { profile } = await post('Profiler.stop');
    await post('Profiler.start');
    writeFileSync(join(dir, `${i}.cpuprofile`), JSON.stringify(profile));
    writeFileSync(join(dir, `${i}.sinks.json`), JSON.stringify(sinks, null, 2));
    mkdirSync(join(dir, 'rows'), { recursive: true });
    for (const [table, rows] of Object.entries(samples)) writeFileSync(join(dir, 'rows', `${table}.json`), JSON.stringify(rows));
    writeFileSync(join(dir, `${i}.done`), '');
    busy = false;
  })();
});
