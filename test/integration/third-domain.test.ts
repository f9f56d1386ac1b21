// A third domain registered from test/ (test/domains/meter) runs end to end through the
// generic pipeline, with nothing in processor/ knowing its name: events on its own stream →
// its core → its own table and the shared anomalies table, alerts on anomalies.meter.>, a bad
// message on dlq.meter, a snapshot on stop that the next start resumes from, and a replay.
import { connectNats } from '../../nats/index.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { parseConfig } from '../../config/index.ts';
import { Anomaly, DeadLetter, partitionOf, subjects } from '../../contracts/index.ts';
import { startProcessor, type RunningProcessor } from '../../processor/src/start-processor.ts';
import { DOMAIN_MODULES } from '../../processor/src/domains/registry.ts';
import { createReplayCore } from '../../processor/src/replay/replay-cores.ts';
import { runReplay } from '../../processor/src/replay/run-replay.ts';
import { openStore } from '../../store/src/index.ts';
import { createLogger } from '../../stack/logger.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { tempDir } from '../harness/temp-dir.ts';
import { waitFor } from '../harness/processor-process.ts';
import { METER, METER_EVENTS_TABLE, meterModule } from '../domains/meter/meter-module.ts';

const PARTITIONS = 2;
const T0 = Date.now() - 3_600_000;
const MODULES = [...DOMAIN_MODULES, meterModule];
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
    processor: { domains: [METER], batchMaxMs: 50, snapshotIntervalMs: 60_000 },
  });
const start = () => startProcessor(config(), { natsUrl: nats.url, logger: createLogger('meter-test', 'warn'), modules: MODULES });

async function publish(from: number, to: number, spikeAt: number): Promise<void> {
  const js = jetstream(nc);
  for (let i = from; i < to; i++) {
    const meter = `m${i % 3}`;
    const kwh = i === spikeAt ? 500 : 10 + ((i * 7) % 5) * 0.1;
    const h = natsHeaders();
    h.set('Nats-Msg-Id', `meter-${i}`);
    await js.publish(subjects.event(METER, partitionOf(meter, PARTITIONS), meter), JSON.stringify({ id: `r${i}`, meter, ts: T0 + i * 1000, kwh }), { headers: h });
  }
}

async function count(sql: string): Promise<number> {
  const store = await openStore({ ...config().clickhouse, dataDir: dir.path });
  try {
    const res = await store.client.query({ query: sql, format: 'JSONEachRow' });
    return Number((await res.json<{ n: string }>())[0]!.n);
  } finally {
    await store.close();
  }
}

before(async () => {
  dir = tempDir('third-domain');
  nats = await startTestNats(dir.path);
  nc = await connectNats({ url: nats.url, name: 'meter-test' });
  const a = nc.subscribe(`anomalies.${METER}.>`);
  void (async () => {
    for await (const m of a) alerts.push(Anomaly.parse(m.json()));
  })();
  const d = nc.subscribe(subjects.deadLetter(METER));
  void (async () => {
    for await (const m of d) letters.push(DeadLetter.parse(m.json()));
  })();
});

after(async () => {
  await nc?.drain().catch(() => undefined);
  await nats?.stop();
  dir?.remove();
});

test('an unregistered domain in processor.domains stops start-up with the field and the registered names', async () => {
  const bad = parseConfig({ dataDir: dir.path, http: { port: 0 }, processor: { domains: ['nosuch'] } });
  await assert.rejects(startProcessor(bad, { natsUrl: nats.url, logger: createLogger('meter-test', 'warn'), modules: MODULES }), /processor\.domains: no domain module 'nosuch' is registered \(registered: .*meter/);
});

test('a domain registered from test/ runs through the generic pipeline: rows, alerts, dead letters, snapshot and resume, replay', async () => {
  let proc: RunningProcessor | undefined = await start();
  try {
    await publish(0, 60, 45);
    // A malformed message on the domain's own stream: a dead letter with the reason.
    await jetstream(nc).publish(subjects.event(METER, 0, 'bad'), JSON.stringify({ id: 'x', meter: 'm0', ts: 'yesterday', kwh: 1 }));
    await waitFor(() => count(`SELECT count() AS n FROM ${METER_EVENTS_TABLE} FINAL WHERE run_id = 'live'`), (n) => n === 60, 60_000, '60 meter rows');
    await waitFor(async () => letters.length, (n) => n === 1, 20_000, 'the dead letter');
    assert.equal(letters[0]!.domain, METER);
    assert.match(letters[0]!.reason, /ts/);
    await waitFor(async () => alerts.length, (n) => n >= 1, 20_000, 'the spike alert');
    assert.deepEqual(alerts.map((a) => a.eventId), ['r45']);
    assert.equal(await count(`SELECT count() AS n FROM anomalies FINAL WHERE domain = '${METER}' AND run_id = 'live'`), 1);
    assert.equal(await count(`SELECT count() AS n FROM dead_letters WHERE domain = '${METER}'`), 1);

    // A clean stop leaves a snapshot at the exact end; the next start resumes after it.
    await proc.stop();
    proc = undefined;
    assert.equal(await count(`SELECT count() AS n FROM processor_snapshots FINAL WHERE domain = '${METER}'`), 1);
    proc = await start();
    await publish(60, 90, 80);
    await waitFor(() => count(`SELECT count() AS n FROM ${METER_EVENTS_TABLE} FINAL WHERE run_id = 'live'`), (n) => n === 90, 60_000, '90 meter rows');
    await waitFor(async () => alerts.length, (n) => n >= 2, 20_000, 'the second spike alert');
    // Restored state: the second spike is judged against the first 60 readings too, and nothing was scored twice.
    assert.deepEqual(alerts.map((a) => a.eventId), ['r45', 'r80']);
    assert.equal(await count(`SELECT count() AS n FROM ${METER_EVENTS_TABLE} WHERE run_id = 'live'`), 90, 'no row written twice');
  } finally {
    await proc?.stop();
  }

  // The generic replay core replays it into its own run, over a range.
  const store = await openStore({ ...config().clickhouse, dataDir: dir.path });
  try {
    const logger = createLogger('meter-replay', 'warn');
    const req = { runId: 'meter-replay', domain: METER, from: T0 + 40_000, to: T0 + 89_000, model: null, speed: null };
    const core = await createReplayCore(req as never, { store: store.client, config: config(), logger, projectRoot: process.cwd(), modules: MODULES });
    const done = await runReplay(req as never, { nc, store: store.client, config: config(), logger, core, onProgress: () => {} });
    assert.equal(done.status, 'done', done.error);
    assert.equal(done.written, 50);
    assert.equal(done.anomalies, 2);
  } finally {
    await store.close();
  }
});
