import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, waitFor, type ProcessorProcess } from '../harness/processor-process.ts';
import { reapAtEnd } from '../harness/reaper.ts';
import { tempDir } from '../harness/temp-dir.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');
const COUNT = 12_000;
// 4 stations × 3000 readings at 1-min steps ≈ 2 days: enough for every detector component to
// be past its warm-up, so lost state would show in the scores.
const PRODUCE = ['--count', String(COUNT), '--stations', '4', '--seed', '21', '--fault-rate', '3', '--start', '2026-04-06T00:00:00Z'];

let dir: ReturnType<typeof tempDir>;
before(() => {
  dir = tempDir('snapshot');
});
after(() => dir?.remove());

async function stack(name: string) {
  const path = join(dir.path, name);
  mkdirSync(path);
  const nats = await startTestNats(path);
  writeFileSync(join(path, 'vigia.json'), JSON.stringify({ processor: { snapshotIntervalMs: 300, ackWaitSeconds: 2 } }));
  const env = { VIGIA_CONFIG: join(path, 'vigia.json') };
  /** Publishes the whole log at `rate` readings a second; resolves when the producer has exited cleanly. */
  const produce = (rate: string) =>
    new Promise<void>((res, rej) => {
      const child = reapAtEnd(spawn(process.execPath, [BIN, 'produce', 'sensor', ...PRODUCE, '--rate', rate, '--nats-url', nats.url], { stdio: ['ignore', 'ignore', 'pipe'] }));
      let stderr = '';
      child.stderr!.on('data', (d) => (stderr += d));
      child.once('error', rej);
      child.once('exit', (code) => (code === 0 ? res() : rej(new Error(`producer exited with ${code}: ${stderr.slice(-500)}`))));
    });
  const start = () => startProcessorProcess({ natsUrl: nats.url, dataDir: path, env });
  return { nats, produce, start };
}

async function allScores(p: ProcessorProcess): Promise<Map<string, number>> {
  await waitFor(() => p.sql<{ n: string }>('SELECT uniqExact(event_id) AS n FROM scores'), (r) => Number(r[0]?.n) >= COUNT, 90_000, 'all scored');
  const out = new Map<string, number>();
  for (let offset = 0; offset < COUNT; offset += 5000) {
    // The SQL API returns at most 10 000 rows per query: page through.
    const rows = await p.sql<{ event_id: string; score: number }>(
      `SELECT event_id, argMax(score, scored_at) AS score FROM scores GROUP BY event_id ORDER BY event_id LIMIT 5000 OFFSET ${offset}`,
    );
    for (const r of rows) out.set(r.event_id, r.score);
  }
  return out;
}

test('SIGKILL mid-stream, restore from the last snapshot: every score equals an uninterrupted run', async () => {
  // Reference: one processor sees the whole log.
  const ref = await stack('reference');
  const refProc = await ref.start();
  await ref.produce('max');
  const expected = await allScores(refProc);
  await refProc.stop();
  await ref.nats.stop();

  // Interrupted: killed while the log is being consumed, restarted on the same data. The log
  // is published at a steady rate while the processor runs, so the kill lands mid-stream with
  // batches in flight. (A backlog published up front at full speed was sometimes consumed
  // completely before the first snapshot showed, on a faster machine.)
  const cut = await stack('interrupted');
  const first = await cut.start();
  const produced = cut.produce('2000'); // 12 000 readings: 6 s
  await waitFor(() => first.sql<{ n: string }>('SELECT count() AS n FROM processor_snapshots'), (r) => Number(r[0]?.n) > 0, 60_000, 'a snapshot');
  const [progress] = await first.sql<{ n: string }>('SELECT uniqExact(event_id) AS n FROM scores');
  await first.kill();
  assert.ok(Number(progress!.n) > 0 && Number(progress!.n) < COUNT, `the kill should land mid-stream (had ${progress!.n} of ${COUNT} scored)`);
  await produced;
  const second = await cut.start();
  const actual = await allScores(second);
  const [snap] = await second.sql<{ n: string }>('SELECT count() AS n FROM processor_snapshots FINAL');
  await second.stop();
  await cut.nats.stop();

  assert.equal(actual.size, COUNT);
  assert.equal(Number(snap!.n), 1, 'one latest snapshot per processor key');
  let differing = 0;
  for (const [id, score] of expected) if (Math.abs((actual.get(id) ?? NaN) - score) > 1e-4) differing++;
  assert.equal(differing, 0, `${differing} of ${COUNT} scores differ from the uninterrupted run`);
});
