// The trade domain end to end through the real pipeline: `vigia produce trade` (simulation and
// a customs CSV) → NATS JetStream → the generic processor with the trade module → chDB tables
// (declarations, scores, features, the daily company × subheading × port edges view), alerts on
// anomalies.trade.>, bad declarations on dlq.trade with the reason, a snapshot on stop that the
// next start resumes from, a replay that scores exactly as live did, and the feature export.
// Scores are the autoencoder's beside the rules, every alert explained by exact Shapley values.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import { Session } from 'chdb';
import { parseConfig } from '../../config/index.ts';
import { Anomaly, DeadLetter, subjects } from '../../contracts/index.ts';
import { connectNats } from '../../nats/index.ts';
import { createReplayCore } from '../../processor/src/replay/replay-cores.ts';
import { runReplay } from '../../processor/src/replay/run-replay.ts';
import { startProcessor, type RunningProcessor } from '../../processor/src/start-processor.ts';
import { openStore } from '../../store/src/index.ts';
import { createLogger } from '../../stack/logger.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { waitFor } from '../harness/processor-process.ts';
import { runVigia } from '../harness/run-cli.ts';
import { tempDir } from '../harness/temp-dir.ts';
import { TradeModelConfig } from '../../config/schema.ts';

const PARTITIONS = 2;
const START = '2026-10-01T00:00:00Z';
const DAYS = 12;
const FIXTURE = join(import.meta.dirname, '..', '..', 'producers', 'src', 'trade', 'fixtures', 'trade-extract-sample.csv');
let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let nc: NatsConnection;
const alerts: Anomaly[] = [];
const letters: DeadLetter[] = [];

const config = () =>
  parseConfig({
    dataDir: dir.path,
    logLevel: 'warn',
    streams: { partitions: PARTITIONS },
    http: { port: 0 },
    // The default limits (companies idle a day evicted, a week forgotten): the replay below must
    // score as live did though forgetting takes companies off the graph's degrees (per partition,
    // at hourly sweeps of its own event time, so the interleaving of partitions does not matter).
    processor: { domains: ['trade'], batchMaxMs: 50, snapshotIntervalMs: 600_000, liveFeatureRows: true },
  });
const start = () => startProcessor(config(), { natsUrl: nats.url, logger: createLogger('trade-test', 'warn') });

async function rows<T>(sql: string): Promise<T[]> {
  const store = await openStore({ ...config().clickhouse, dataDir: dir.path });
  try {
    return await (await store.client.query({ query: sql, format: 'JSONEachRow' })).json<T>();
  } finally {
    await store.close();
  }
}
const count = async (sql: string) => Number((await rows<{ n: string }>(sql))[0]!.n);

async function produce(...args: string[]): Promise<Record<string, unknown> & { published: number }> {
  const r = await runVigia(['produce', 'trade', ...args, '--nats-url', nats.url], { VIGIA_CONFIG: join(dir.path, 'vigia.config.json') });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

before(async () => {
  dir = tempDir('trade-e2e');
  // The producer's partitions must be the processor's.
  writeFileSync(join(dir.path, 'vigia.config.json'), JSON.stringify({ streams: { partitions: PARTITIONS } }));
  nats = await startTestNats(dir.path);
  nc = await connectNats({ url: nats.url, name: 'trade-test' });
  const a = nc.subscribe('anomalies.trade.>');
  void (async () => {
    for await (const m of a) alerts.push(Anomaly.parse(m.json()));
  })();
  const d = nc.subscribe(subjects.deadLetter('trade'));
  void (async () => {
    for await (const m of d) letters.push(DeadLetter.parse(m.json()));
  })();
});

after(async () => {
  await nc?.drain().catch(() => undefined);
  await nats?.stop();
  dir?.remove();
});

test('simulated and file declarations flow through the pipeline into trade tables, alerts and dead letters; snapshot, resume, replay and export', async () => {
  let proc: RunningProcessor | undefined = await start();
  let published: number;
  try {
    const sim = await produce('--seed', '3', '--companies', '300', '--start', START, '--days', String(DAYS), '--anomaly-rate', '0.01', '--episodes-per-day', '4');
    published = sim.published;
    assert.ok(published > 1_000, JSON.stringify(sim));
    await waitFor(() => count(`SELECT count() AS n FROM trade_declarations FINAL WHERE run_id = 'live'`), (n) => n === published, 120_000, `${published} declarations`);
    assert.equal(await count(`SELECT count() AS n FROM trade_scores FINAL WHERE run_id = 'live'`), published);
    assert.equal(await count(`SELECT count() AS n FROM features FINAL WHERE run_id = 'live' AND domain = 'trade' AND feature_set = 'trade-ae@3'`), published);

    // Every over-quota declaration is alerted by the rule, critical.
    const overQuota = await rows<{ event_id: string }>(`SELECT event_id FROM trade_declarations FINAL WHERE run_id = 'live' AND truth_kind = 'quota_exceeded'`);
    assert.ok(overQuota.length > 0, 'the simulation put a licence over its quota');
    await waitFor(async () => alerts.length, (n) => n >= overQuota.length, 20_000, 'the alerts');
    const byId = new Map(alerts.map((a) => [a.eventId, a]));
    for (const { event_id } of overQuota) {
      const a = byId.get(event_id);
      assert.ok(a, `over-quota ${event_id} alerted`);
      assert.equal(a.severity, 'critical');
      // The rule, alone or beside the autoencoder when it also finds the declaration anomalous.
      assert.match(a.detector, /^(trade-ae@\d+\+)?trade-rules@1$/);
    }
    // Every alert carries the exact Shapley values of the autoencoder's score by feature group:
    // they add up to model score − its baseline (the card's, or lower for a company judged at its
    // own scale: the self-calibration only lowers scores), and equal the stored trade_scores.shapley.
    // The processor's default model: the one this stack runs.
    const card = JSON.parse(readFileSync(join(process.cwd(), TradeModelConfig.parse({}).modelDir, 'card.json'), 'utf8'));
    const stored = new Map(
      (await rows<{ event_id: string; score: number; top_group: string; shapley: Record<string, number> }>(`SELECT event_id, score, top_group, shapley FROM trade_scores FINAL WHERE run_id = 'live' AND severity != ''`)).map((r) => [r.event_id, r]),
    );
    assert.equal(stored.size, new Set(alerts.map((a) => a.eventId)).size);
    for (const a of alerts) {
      assert.equal(a.attributions?.length, Object.keys(card.groups).length, `${a.eventId} has one value per group`);
      const sum = a.attributions!.reduce((s, x) => s + x.value, 0);
      assert.ok(a.values.shapley_baseline! <= card.background.baselineScore + 1e-9, `${a.eventId}: baseline ${a.values.shapley_baseline} above the card's ${card.background.baselineScore}`);
      assert.ok(Math.abs(sum - (a.values.model_score! - a.values.shapley_baseline!)) < 1e-9, `${a.eventId}: Σφ ${sum} vs ${a.values.model_score} − ${a.values.shapley_baseline}`);
      if (/^trade-ae@\d+$/.test(a.detector)) {
        assert.ok(Math.abs(sum - (a.score - a.values.shapley_baseline!)) < 1e-9, `${a.eventId}: the model's score is the alert's`);
      }
      const row = stored.get(a.eventId)!;
      // The deciding signal names the top group: the largest Shapley value when the model decides.
      if (/^trade-ae@\d+$/.test(a.detector)) assert.equal(row.top_group, a.attributions![0]!.group, 'top group = the largest Shapley value');
      else assert.notEqual(row.top_group, '', `${a.eventId}: the deciding rule or signal names its group`);
      const storedSum = Object.values(row.shapley).reduce((s, v) => s + v, 0);
      assert.ok(Math.abs(storedSum - sum) < 1e-3 * Math.max(1, Math.abs(sum)), `${a.eventId}: stored Float32 values add up too`);
    }
    // The model is calibrated to ~0.5 flags a simulated day on its own, so it may decide no alert
    // here; whenever it reaches the minor band, the alert names it.
    for (const a of alerts) if (a.values.model_score! >= 70) assert.match(a.detector, /trade-ae@\d+/, `${a.eventId}: model score ${a.values.model_score} in the band`);
    assert.equal(await count(`SELECT count() AS n FROM trade_scores FINAL WHERE run_id = 'live' AND severity = '' AND length(shapley) > 0`), 0, 'explanations only for anomalies');
    assert.equal(await count(`SELECT count() AS n FROM anomalies FINAL WHERE run_id = 'live' AND domain = 'trade'`), new Set(alerts.map((a) => a.id)).size);
    // The edges view holds every declaration once, per day × company × subheading × port.
    const edges = await rows<{ declarations: string; fob: number }>(`SELECT sum(d) AS declarations, sum(f) AS fob FROM (SELECT uniqExactMerge(declarations) AS d, sum(fob_usd) AS f FROM trade_edges_daily WHERE run_id = 'live' GROUP BY day, exporter_id, subheading, port)`);
    assert.equal(Number(edges[0]!.declarations), published);
    const fob = await rows<{ fob: number }>(`SELECT sum(fob_usd) AS fob FROM trade_declarations FINAL WHERE run_id = 'live'`);
    assert.ok(Math.abs(edges[0]!.fob - fob[0]!.fob) < 1e-3 * fob[0]!.fob);

    // A clean stop leaves a snapshot; the next start resumes after it and takes a customs CSV:
    // its four valid declarations are stored, a malformed HS code and an unknown unit are dead-lettered.
    await proc.stop();
    proc = undefined;
    assert.equal(await count(`SELECT count() AS n FROM processor_snapshots FINAL WHERE domain = 'trade'`), 1);
    proc = await start();
    const file = await produce('--file', FIXTURE);
    assert.equal(file.published, 6);
    assert.equal(file.unconvertible, 1);
    await waitFor(() => count(`SELECT count() AS n FROM trade_declarations FINAL WHERE run_id = 'live'`), (n) => n === published + 4, 60_000, 'the file declarations');
    await waitFor(async () => letters.length, (n) => n === 2, 20_000, 'two dead letters');
    assert.deepEqual(letters.map((l) => l.reason.split(':').slice(0, 2).join(':')).sort(), ['hs_code: malformed HS code', 'unit: unknown unit "BOXES"']);
    assert.equal(await count(`SELECT count() AS n FROM trade_declarations WHERE run_id = 'live'`), published + 4, 'no declaration written twice');
  } finally {
    await proc?.stop();
  }

  // A replay of the simulated range scores every declaration exactly as live did.
  const from = Date.parse(START);
  const store = await openStore({ ...config().clickhouse, dataDir: dir.path });
  try {
    const logger = createLogger('trade-replay', 'warn');
    const req = { runId: 'trade-replay', domain: 'trade', from, to: from + DAYS * 86_400_000 - 1, model: null, speed: null };
    const core = await createReplayCore(req, { store: store.client, config: config(), logger, projectRoot: process.cwd() });
    const done = await runReplay(req, { nc, store: store.client, config: config(), logger, core, onProgress: () => {} });
    assert.equal(done.status, 'done', done.error);
    assert.equal(done.written, published);
    const diff = await (
      await store.client.query({
        query: `SELECT count() AS n FROM (SELECT event_id, score, drivers FROM trade_scores FINAL WHERE run_id = 'live' AND toUnixTimestamp64Milli(ts) BETWEEN ${from} AND ${from + DAYS * 86_400_000 - 1}) AS l
                FULL OUTER JOIN (SELECT event_id, score, drivers FROM trade_scores FINAL WHERE run_id = 'trade-replay') AS r USING event_id
                WHERE l.score != r.score OR l.drivers != r.drivers OR l.event_id = '' OR r.event_id = ''`,
        format: 'JSONEachRow',
      })
    ).json<{ n: string }>();
    assert.equal(Number(diff[0]!.n), 0, 'replay scores = live scores');
  } finally {
    await store.close();
  }

  // `vigia features export --domain trade` writes the training matrix (the autoencoder's input).
  const out = join(dir.path, 'trade-features.parquet');
  const r = await runVigia(['features', 'export', '--domain', 'trade', '--out', out, '--data-dir', dir.path], { VIGIA_CONFIG: join(dir.path, 'vigia.config.json') });
  assert.equal(r.status, 0, r.stderr);
  const s = new Session();
  try {
    const res = JSON.parse(s.query(`SELECT count() AS n, countIf(truth_kind != '') AS labelled FROM file('${out}', 'Parquet')`, 'JSON')).data[0];
    assert.equal(Number(res.n), published + 4);
    assert.ok(Number(res.labelled) > 0);
    const cols = s.query(`DESCRIBE file('${out}', 'Parquet')`, 'CSV');
    assert.match(cols, /uv_z/);
    assert.match(cols, /peer_similarity/);
    assert.match(cols, /quota_used/);
  } finally {
    s.close();
  }
});
