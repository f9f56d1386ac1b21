import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, waitFor, type ProcessorProcess } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';
import { runVigia } from '../harness/run-cli.ts';

const COUNT = 8000;
const START = Date.UTC(2026, 4, 4); // 4 stations × 2000 one-minute readings from here
// The replayed range: from the first evening into the second day (holds detected episodes).
const FROM = START + 21 * 3_600_000;
const TO = START + 33 * 3_600_000;

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let proc: ProcessorProcess;

before(async () => {
  dir = tempDir('replay');
  nats = await startTestNats(dir.path);
  proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path });
});
after(async () => {
  await proc?.stop();
  await nats?.stop();
  dir?.remove();
});

const vigia = (...args: string[]) => runVigia(args, { NATS_URL: nats.url, VIGIA_DATA_DIR: dir.path });

test('a replay of a range gives the live rows, row for row, in its own run; diff reports no change', async () => {
  const produced = await vigia('produce', 'sensor', '--count', String(COUNT), '--rate', 'max', '--stations', '4', '--seed', '8', '--fault-rate', '4', '--start', new Date(START).toISOString());
  assert.equal(produced.status, 0, produced.stderr);
  await waitFor(() => proc.sql<{ n: string }>('SELECT count() AS n FROM scores'), (r) => Number(r[0]?.n) >= COUNT, 60_000, 'live scored everything');

  const replay = await vigia('replay', '--from', new Date(FROM).toISOString(), '--to', new Date(TO).toISOString(), '--run', 'r1');
  assert.equal(replay.status, 0, replay.stderr);
  const summary = JSON.parse(replay.stdout.trim().split('\n').pop()!) as { written: number; scanned: number };
  assert.equal(summary.scanned, COUNT, 'the replay warms up on the whole log');

  const [cmp] = await proc.sql<{ live: string; replayed: string; joined: string; differ: string; anomalies_live: string; anomalies_replay: string; live_rows_touched: string }>(`
    SELECT
      (SELECT count() FROM scores FINAL WHERE run_id = 'live' AND ts BETWEEN fromUnixTimestamp64Milli(${FROM}) AND fromUnixTimestamp64Milli(${TO})) AS live,
      (SELECT count() FROM scores FINAL WHERE run_id = 'r1') AS replayed,
      (SELECT count() FROM (SELECT event_id, score, severity, cluster FROM scores FINAL WHERE run_id = 'live') AS a
         INNER JOIN (SELECT event_id, score, severity, cluster FROM scores FINAL WHERE run_id = 'r1') AS b USING event_id) AS joined,
      (SELECT countIf(abs(a.score - b.score) > 1e-4 OR a.severity != b.severity OR a.cluster != b.cluster) FROM (SELECT event_id, score, severity, cluster FROM scores FINAL WHERE run_id = 'live') AS a
         INNER JOIN (SELECT event_id, score, severity, cluster FROM scores FINAL WHERE run_id = 'r1') AS b USING event_id) AS differ,
      (SELECT count() FROM anomalies FINAL WHERE run_id = 'live' AND ts BETWEEN fromUnixTimestamp64Milli(${FROM}) AND fromUnixTimestamp64Milli(${TO})) AS anomalies_live,
      (SELECT count() FROM anomalies FINAL WHERE run_id = 'r1') AS anomalies_replay,
      (SELECT count() FROM scores WHERE run_id = 'live') AS live_rows_touched`);
  assert.equal(Number(cmp!.replayed), summary.written);
  assert.equal(Number(cmp!.live), Number(cmp!.replayed), 'the replay covers exactly the range');
  assert.equal(Number(cmp!.joined), Number(cmp!.live));
  assert.equal(Number(cmp!.differ), 0, 'every replayed score, severity and cluster equals live');
  assert.equal(Number(cmp!.anomalies_live), Number(cmp!.anomalies_replay));
  assert.ok(Number(cmp!.anomalies_live) > 0, 'the range should hold anomalies');
  assert.equal(Number(cmp!.live_rows_touched), COUNT, 'the replay never wrote into live rows');

  const diff = await vigia('replay', 'diff', 'live', 'r1');
  assert.equal(diff.status, 0, diff.stderr);
  assert.match(diff.stdout, /anomalies_gained/);
  const summaryLine = diff.stdout.split('\n').find((l) => /^\d+\s+│/.test(l))!;
  const cells = summaryLine.split('│').map((c) => c.trim());
  assert.equal(Number(cells[0]), Number(cmp!.live)); // events compared
  assert.deepEqual([cells[1], cells[2], cells[7]], ['0', '0', '0']); // gained, lost, scores changed
});

test('a replay request that would write into live, or is malformed, is refused with the reason', async () => {
  const r = await vigia('replay', '--from', '-1d', '--run', 'live');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot write into the live run/);
  const r2 = await vigia('replay', '--from', 'yesterday-ish');
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /--from expects/);
});
