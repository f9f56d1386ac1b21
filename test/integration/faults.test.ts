import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectNats } from '../../nats/index.ts';
import { partitionOf, subjects } from '../../contracts/index.ts';
import { startTestNats } from '../harness/nats.ts';
import { reapAtEnd } from '../harness/reaper.ts';
import { startProcessorProcess, waitFor } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';
import { runVigia } from '../harness/run-cli.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');

let dir: ReturnType<typeof tempDir>;
before(() => {
  dir = tempDir('faults');
});
after(() => dir?.remove());

const produceArgs = (count: number, rate: string, natsUrl: string, seed: number) => [
  BIN, 'produce', 'sensor', '--count', String(count), '--rate', rate, '--stations', '8', '--seed', String(seed), '--start', '2026-06-01T00:00:00Z', '--nats-url', natsUrl,
];

test('ClickHouse unavailable for 30 s: the processor holds acks within bounded memory, then catches up; events in = rows out', async () => {
  const path = join(dir.path, 'store-outage');
  mkdirSync(path);
  const nats = await startTestNats(path);
  writeFileSync(join(path, 'vigia.json'), JSON.stringify({ processor: { stallAfterSeconds: 3 } }));
  const proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: path, env: { VIGIA_FAULT_STORE_OUTAGE: '1500:30000', VIGIA_CONFIG: join(path, 'vigia.json') } });
  try {
    const count = 20_000;
    const produced = await runVigia(produceArgs(count, '1000', nats.url, 31).slice(1));
    assert.equal(produced.status, 0, produced.stderr);
    // All 20 s of input arrived while the store was down for most of it: nothing is lost.
    const metrics = await (await proc.fetch('/metrics')).text();
    const retries = Number(/vigia_sink_retries_total\{sink="clickhouse"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    assert.ok(retries > 0, 'the outage should have caused retried writes');
    const rss = Number(/vigia_process_process_resident_memory_bytes (\d+)/.exec(metrics)?.[1]) / 1024 ** 2;
    assert.ok(rss < 1500, `memory stays bounded during the outage (RSS ${rss.toFixed(0)} MiB)`);
    // Honest health: events wait and nothing commits, so the sensor domain is reported stalled.
    const during = await proc.fetch('/health');
    const duringBody = (await during.json()) as { status: string; checks: Record<string, { ok: boolean; detail: string }> };
    assert.equal(during.status, 503, JSON.stringify(duringBody));
    assert.equal(duringBody.checks['domain:sensor']?.ok, false);
    assert.match(duringBody.checks['domain:sensor']!.detail, /stalled: \d+ event\(s\) waiting/);
    await waitFor(() => proc.sql<{ n: string }>('SELECT count() AS n FROM sensor_events FINAL'), (r) => Number(r[0]?.n) >= count, 90_000, 'catch-up after the outage');
    const [r] = await proc.sql<{ n: string; u: string; s: string }>('SELECT count() AS n, uniqExact(event_id) AS u, (SELECT count() FROM scores FINAL) AS s FROM sensor_events FINAL');
    assert.deepEqual([Number(r!.n), Number(r!.u), Number(r!.s)], [count, count, count]);
    await waitFor(async () => (await fetch(`${proc.httpUrl}/health`)).status, (st) => st === 200, 30_000, '/health ok again once caught up');
  } finally {
    await proc.stop();
    await nats.stop();
  }
});

test('nats-server restarted mid-stream: producer and processor reconnect; every event stored exactly once', async () => {
  const path = join(dir.path, 'nats-restart');
  mkdirSync(path);
  let nats = await startTestNats(path);
  const port = nats.port;
  writeFileSync(join(path, 'vigia.json'), JSON.stringify({ processor: { ackWaitSeconds: 5 } }));
  const proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: path, env: { VIGIA_CONFIG: join(path, 'vigia.json') } });
  try {
    const count = 15_000;
    const producer = reapAtEnd(spawn(process.execPath, produceArgs(count, '1500', nats.url, 32), { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stderr = '';
    producer.stderr!.on('data', (d) => (stderr += d));
    const producerExit = new Promise<number | null>((r) => producer.once('exit', r));
    await waitFor(() => proc.sql<{ n: string }>('SELECT count() AS n FROM sensor_events'), (r) => Number(r[0]?.n) >= 3000, 30_000, 'events flowing');
    await nats.stop();
    await new Promise((r) => setTimeout(r, 2000));
    nats = await startTestNats(path, port);
    assert.equal(await producerExit, 0, `producer failed: ${stderr.slice(-500)}`);
    await waitFor(() => proc.sql<{ n: string }>('SELECT uniqExact(event_id) AS n FROM sensor_events'), (r) => Number(r[0]?.n) >= count, 90_000, 'all events after the restart');
    const [r] = await proc.sql<{ n: string; s: string }>('SELECT count() AS n, (SELECT count() FROM scores FINAL) AS s FROM sensor_events FINAL');
    assert.deepEqual([Number(r!.n), Number(r!.s)], [count, count]);
  } finally {
    await proc.stop();
    await nats.stop();
  }
});

test('a poison message that makes the detector throw is dead-lettered with the error; the rest continue', async () => {
  const path = join(dir.path, 'poison');
  mkdirSync(path);
  const nats = await startTestNats(path);
  const proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: path, env: { VIGIA_FAULT_POISON_STATION: 'poison-1' } });
  const nc = await connectNats({ url: nats.url, name: 'poison-test' });
  try {
    const poison = Array.from({ length: 5 }, (_, i) => ({ id: `poison-1@${i}`, station: 'poison-1', ts: Date.UTC(2026, 5, 1) + i * 60_000, channels: { pressure: 5 }, truth: null }));
    for (const r of poison) nc.publish(subjects.event('sensor', partitionOf(r.station, 4), r.station), JSON.stringify(r));
    await nc.flush();
    const count = 4000;
    const produced = await runVigia(produceArgs(count, 'max', nats.url, 33).slice(1));
    assert.equal(produced.status, 0, produced.stderr);
    const [r] = await waitFor(
      () => proc.sql<{ events: string; dead: string; reason: string }>(
        "SELECT (SELECT count() FROM sensor_events FINAL) AS events, (SELECT count() FROM dead_letters FINAL) AS dead, (SELECT any(reason) FROM dead_letters WHERE kind = 'processing_error') AS reason",
      ),
      (x) => Number(x[0]?.events) + Number(x[0]?.dead) >= count + poison.length,
      60_000,
      'every message stored or dead-lettered',
    );
    assert.equal(Number(r!.events), count);
    assert.equal(Number(r!.dead), poison.length);
    assert.match(r!.reason, /injected detector failure/);
  } finally {
    await nc.drain();
    await proc.stop();
    await nats.stop();
  }
});
