import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { streams } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { connectNats } from '../../nats/index.ts';
import { durableName } from '../../processor/src/adapters/nats/jetstream-source.ts';
import { sensorMessages } from '../../producers/src/sensor-messages.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, waitFor, type ProcessorProcess } from '../harness/processor-process.ts';
import { runVigia } from '../harness/run-cli.ts';
import { tempDir } from '../harness/temp-dir.ts';

// Isolation (issue #14, item 4): with processor.workers 'auto' (one worker thread per domain),
// a trip backlog cannot delay the sensor domain's acks, nor /health. No timing
// thresholds: the test asserts order and progress, and prints the latencies it saw.

const TRIPS = 120_000;
const READINGS = 600;

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let nc: NatsConnection;
let proc: ProcessorProcess;

before(async () => {
  dir = tempDir('isolation');
  nats = await startTestNats(dir.path);
  writeFileSync(join(dir.path, 'vigia.json'), JSON.stringify({ processor: { workers: 'auto' } }));
  proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path, env: { VIGIA_CONFIG: join(dir.path, 'vigia.json') } });
  nc = await connectNats({ url: nats.url, name: 'isolation-test' });
});

after(async () => {
  await nc?.drain().catch(() => undefined);
  await proc?.stop();
  await nats?.stop();
  dir?.remove();
});

const tripsStored = async () => Number((await proc.sql<{ n: string }>('SELECT count() AS n FROM trip_events'))[0]?.n ?? 0);
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

test('a trip backlog does not delay sensor acks or /health: readings stored while trips are scored, no redeliveries', { timeout: 1_200_000 }, async () => {
  // 1. The backlog first: three simulated days ending a day ago, dense enough for 120 000 trips.
  const start = new Date(Date.now() - 4 * 86_400_000).toISOString();
  const produced = await runVigia(['produce', 'trip', '--days', '3', '--scale', '0.06', '--count', String(TRIPS), '--start', start, '--demand', 'shape', '--seed', '11', '--nats-url', nats.url]);
  assert.equal(produced.status, 0, produced.stderr);
  const published = (JSON.parse(produced.stdout.trim().split('\n').pop()!) as { published: number }).published;
  assert.ok(published >= 100_000, `expected a backlog of 100 000+ trips, got ${published}`);
  const tripsAtSensorStart = await tripsStored();
  assert.ok(tripsAtSensorStart < published, 'the trip backlog is already worked through: nothing to isolate from');

  // 2. /health, polled all along; each answer timed.
  const health: { ms: number; status: number; body: string | undefined }[] = [];
  let polling = true;
  const healthLoop = (async () => {
    while (polling) {
      const t0 = performance.now();
      const res = await fetch(`${proc.httpUrl}/health`);
      const body = (await res.json()) as { status: string };
      health.push({ ms: performance.now() - t0, status: res.status, body: res.status === 200 ? undefined : JSON.stringify(body) });
      await new Promise((r) => setTimeout(r, 200));
    }
  })();

  // 3. Sensor readings after the backlog, at wall-clock time, ~100/s; each one's publish time kept.
  // They flow from the first publish on (often all are stored before the last is published),
  // so /health is counted from here, not from when storage is first polled.
  const healthBefore = health.length;
  const js = jetstream(nc);
  const partitions = parseConfig({}).streams.partitions;
  const publishedAt = new Map<string, number>();
  // 4. Every reading stored, each first seen by a poll that runs while they are published
  // (published → stored, to ~250 ms; polling only after the last publish would time the loop).
  const storedAt = new Map<string, number>();
  const allStored = waitFor(
    async () => {
      const rows = await proc.sql<{ event_id: string }>("SELECT event_id FROM sensor_events WHERE run_id = 'live'");
      const now = performance.now();
      for (const r of rows) if (!storedAt.has(r.event_id)) storedAt.set(r.event_id, now);
      return storedAt.size;
    },
    (n) => n >= READINGS,
    600_000,
    'every sensor reading stored',
  );
  for (const m of sensorMessages({ startTs: Date.now(), stations: 5, seed: 4, faultRate: 0 }, partitions, READINGS)) {
    const reading = { ...m.reading, ts: Date.now() };
    // Timed from the send: the poll may see a reading stored before its publish ack is back here.
    publishedAt.set(reading.id, performance.now());
    await js.publish(m.subject, JSON.stringify(reading), { msgID: reading.id });
    if (publishedAt.size % 10 === 0) await new Promise((r) => setTimeout(r, 100));
  }

  await allStored;
  const tripsAtSensorDone = await tripsStored();
  polling = false;
  await healthLoop;

  // 5. The sensor consumers never redelivered (their acks never waited past ack_wait).
  const jsm = await jetstreamManager(nc);
  const redelivered = await Promise.all(
    Array.from({ length: partitions }, (_, p) => jsm.consumers.info(streams.events('sensor'), durableName('proc', 'sensor', p)).then((i) => i.num_redelivered)),
  );

  const latencies = [...publishedAt].map(([id, t]) => storedAt.get(id)! - t);
  // The worker's clock at ingest minus the reading's ts (its publish time): how long it waited to be scored.
  const [ingest] = await proc.sql<{ p50: number; p99: number; max: number }>(
    "SELECT quantile(0.5)(d) AS p50, quantile(0.99)(d) AS p99, max(d) AS max FROM (SELECT toUnixTimestamp64Milli(ingested_at) - toUnixTimestamp64Milli(ts) AS d FROM sensor_events WHERE run_id = 'live')",
  );
  const healthMs = health.map((h) => h.ms);
  console.log(
    JSON.stringify({
      tripsPublished: published,
      tripsStoredAtSensorStart: tripsAtSensorStart,
      tripsStoredAtSensorDone: tripsAtSensorDone,
      sensorPublishedToIngestedMs: { p50: Math.round(Number(ingest!.p50)), p99: Math.round(Number(ingest!.p99)), max: Math.round(Number(ingest!.max)) },
      sensorPublishedToStoredMs: { p50: Math.round(percentile(latencies, 50)), p99: Math.round(percentile(latencies, 99)), max: Math.round(Math.max(...latencies)) },
      healthMs: { n: healthMs.length, p50: Math.round(percentile(healthMs, 50)), p99: Math.round(percentile(healthMs, 99)), max: Math.round(Math.max(...healthMs)) },
      healthStatuses: [...new Set(health.map((h) => h.status))],
      healthNotOk: [...new Set(health.map((h) => h.body).filter(Boolean))].slice(0, 3),
      sensorRedelivered: redelivered,
    }),
  );

  assert.equal(storedAt.size, READINGS);
  assert.ok(tripsAtSensorDone < published, `the trip backlog finished (${tripsAtSensorDone}/${published}) before the readings were stored: they may have waited behind it`);
  assert.ok(tripsAtSensorDone > tripsAtSensorStart, 'trips were scored while the readings went through');
  assert.deepEqual(redelivered, redelivered.map(() => 0), 'sensor messages were redelivered');
  // Answered, with its verdict.
  assert.ok(health.length > healthBefore, '/health answered while the readings went through');
});
