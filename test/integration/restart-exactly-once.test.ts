import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, waitFor } from '../harness/processor-process.ts';
import { reapAtEnd } from '../harness/reaper.ts';
import { tempDir } from '../harness/temp-dir.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');
const COUNT = 30_000;

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let env: Record<string, string>;

before(async () => {
  dir = tempDir('restart');
  nats = await startTestNats(dir.path);
  // A short ack wait so the killed instance's in-flight messages come back within seconds.
  writeFileSync(join(dir.path, 'vigia.json'), JSON.stringify({ processor: { ackWaitSeconds: 3 } }));
  env = { VIGIA_CONFIG: join(dir.path, 'vigia.json') };
});
after(async () => {
  await nats?.stop();
  dir?.remove();
});

test('SIGKILL of the processor mid-stream, then a restart: every event is stored exactly once', async () => {
  const first = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path, env });
  // Produce at a steady rate so the kill lands mid-stream, with unacked batches in flight.
  const producer = reapAtEnd(
    spawn(
      process.execPath,
      [BIN, 'produce', 'sensor', '--count', String(COUNT), '--rate', '4000', '--stations', '20', '--seed', '5', '--start', '2026-02-01T00:00:00Z', '--nats-url', nats.url],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  );
  const producerDone = new Promise<number | null>((r) => producer.once('exit', r));
  const [before] = await waitFor(
    () => first.sql<{ n: string }>('SELECT count() AS n FROM sensor_events'),
    (r) => Number(r[0]?.n) >= 3000,
    60_000,
    'some events stored before the kill',
  );
  await first.kill();
  const storedAtKill = Number(before!.n);
  assert.ok(storedAtKill < COUNT, 'the kill should land mid-stream');

  const second = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path, env });
  try {
    assert.equal(await producerDone, 0);
    await waitFor(
      () => second.sql<{ u: string }>('SELECT uniqExact(event_id) AS u FROM sensor_events'),
      (r) => Number(r[0]?.u) >= COUNT,
      60_000,
      'all events stored after the restart',
    );
    const [r] = await second.sql<{ final: string; u: string; scores: string; orphan_scores: string }>(
      `SELECT (SELECT count() FROM sensor_events FINAL) AS final, (SELECT uniqExact(event_id) FROM sensor_events) AS u,
              (SELECT count() FROM scores FINAL) AS scores,
              (SELECT count() FROM scores WHERE event_id NOT IN (SELECT event_id FROM sensor_events)) AS orphan_scores`,
    );
    assert.equal(Number(r!.final), COUNT, 'each event exactly once');
    assert.equal(Number(r!.u), COUNT);
    assert.equal(Number(r!.scores), COUNT, 'each event scored exactly once');
    assert.equal(Number(r!.orphan_scores), 0);
  } finally {
    await second.stop();
  }
});
