import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { io as socketClient, type Socket } from 'socket.io-client';
import { Session } from 'chdb';
import type { NatsConnection } from '@nats-io/transport-node';
import { Anomaly, DeadLetter, LiveCellBoundary, SOCKET_EVENTS, TRIP_SOCKET_EVENTS, tripSubject } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { connectNats } from '../../nats/index.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, waitFor, type ProcessorProcess } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';
import { runVigia } from '../harness/run-cli.ts';

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let nc: NatsConnection;
let proc: ProcessorProcess;
let socket: Socket;
const boundaries: LiveCellBoundary[] = [];
const viaSocket: Anomaly[] = [];
const viaNats: Anomaly[] = [];
const deadLetters: DeadLetter[] = [];
/** What the producer published in the file's setup (plus one bad record). */
let summary: { published: number; labelled: Record<string, number> };

before(async () => {
  dir = tempDir('trip-e2e');
  nats = await startTestNats(dir.path);
  proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path });
  nc = await connectNats({ url: nats.url, name: 'trip-e2e-test' });
  const alerts = nc.subscribe('anomalies.trip.>');
  void (async () => {
    for await (const m of alerts) viaNats.push(Anomaly.parse(m.json()));
  })();
  const dlq = nc.subscribe('dlq.trip');
  void (async () => {
    for await (const m of dlq) deadLetters.push(DeadLetter.parse(m.json()));
  })();
  socket = socketClient(proc.httpUrl, { transports: ['websocket'], auth: { token: proc.token } });
  socket.on('connect', () => {
    socket.emit(SOCKET_EVENTS.subscribe, { domain: 'trip' });
    socket.emit(TRIP_SOCKET_EVENTS.watchMap, { resolution: 9 });
  });
  socket.on(TRIP_SOCKET_EVENTS.cells, (b: unknown) => boundaries.push(LiveCellBoundary.parse(b)));
  socket.on(SOCKET_EVENTS.anomaly, (a: unknown) => viaSocket.push(Anomaly.parse(a)));
  await waitFor(async () => socket.connected, Boolean, 10_000, 'socket.io connection');
  const partitions = parseConfig({}).streams.partitions;
  // A record the contract refuses (dropoff before pickup) goes first.
  nc.publish(tripSubject(partitions), JSON.stringify({ id: 'bad-trip', pickup_ts: 2000, dropoff_ts: 1000 }));
  const produced = await runVigia(
    ['produce', 'trip', '--days', '3', '--start', '2026-01-05T05:00:00Z', '--seed', '3', '--demand', 'shape', '--episodes-per-day', '6', '--anomaly-rate', '0.004', '--nats-url', nats.url],
  );
  assert.equal(produced.status, 0, produced.stderr);
  summary = JSON.parse(produced.stdout.trim().split('\n').pop()!) as { published: number; labelled: Record<string, number> };
  assert.ok(summary.published > 10_000, `expected a few days of trips, got ${summary.published}`);
}, { timeout: 900_000 });

/** Every published trip (and the bad record) is stored or dead-lettered: each test waits for it itself. */
async function allStored(): Promise<void> {
  await waitFor(
    async () => Number((await proc.sql<{ n: string }>(`SELECT (SELECT count() FROM trip_events FINAL) + (SELECT count() FROM dead_letters WHERE domain = 'trip') AS n`))[0]?.n ?? 0),
    (n) => n >= summary.published + 1,
    // Usually a minute; generous because a loaded 2-core machine took over five.
    600_000,
    'every trip stored or dead-lettered',
  );
}

after(async () => {
  socket?.close();
  await nc?.drain().catch(() => undefined);
  await proc?.stop();
  await nats?.stop();
  dir?.remove();
});

test('simulated trips → demand and fare anomalies on the map channel, NATS and ClickHouse; an impossible record is dead-lettered; nothing is lost', { timeout: 900_000 }, async () => {
  // Events in = rows stored + dead letters.
  await allStored();
  const [stored] = await proc.sql<{ events: string; dlq: string }>(`SELECT (SELECT count() FROM trip_events FINAL) AS events, (SELECT count() FROM dead_letters WHERE domain = 'trip') AS dlq`);
  assert.equal(Number(stored!.events) + Number(stored!.dlq), summary.published + 1);
  await waitFor(async () => deadLetters.length, (n) => n >= 1, 10_000, 'the dead letter on dlq.trip');
  assert.match(deadLetters[0]!.reason, /dropoff_ts|pickup_ts|vendor|must/);

  // The per-minute views count each trip once, at each resolution.
  const perMinute = await proc.sql<{ r7: string; r9: string; trips: string }>(
    `SELECT (SELECT sum(pickups) FROM trip_pickups_per_minute_r7) AS r7, (SELECT sum(pickups) FROM trip_pickups_per_minute_r9) AS r9, (SELECT count() FROM trip_events FINAL) AS trips`,
  );
  assert.equal(perMinute[0]!.r7, perMinute[0]!.trips);
  assert.equal(perMinute[0]!.r9, perMinute[0]!.trips);

  // Fare anomalies: each alert on the socket is also on NATS and names a labelled trip's kind.
  await waitFor(async () => viaSocket.filter((a) => a.detector.startsWith('trip-fare')).length, (n) => n > 0, 30_000, 'a fare anomaly on the socket');
  const fare = viaSocket.filter((a) => a.detector.startsWith('trip-fare'));
  const truth = new Map(
    (await proc.sql<{ event_id: string; truth_kind: string }>(`SELECT event_id, truth_kind FROM trip_events FINAL WHERE truth_kind IN ('overcharge', 'impossible', 'detour')`)).map((r) => [r.event_id, r.truth_kind]),
  );
  const labelled = fare.filter((a) => truth.has(a.eventId));
  assert.ok(labelled.length >= fare.length * 0.5, `most fare alerts are injected anomalies: ${labelled.length} of ${fare.length}`);
  assert.ok(fare.every((a) => viaNats.some((n) => n.id === a.id)), 'every socket alert was published on NATS');

  // Demand: the map channel carried scored res-9 boundaries, and a surge alert lies where the
  // producer injected surge pickups (a labelled pickup in that cell in the 15 minutes before).
  assert.ok(boundaries.length > 100, `expected many res-9 boundaries on the map channel, got ${boundaries.length}`);
  assert.ok(boundaries.every((b) => b.resolution === 9));
  const surges = viaSocket.filter((a) => a.detector.startsWith('trip-demand') && a.values.surge === 1);
  assert.ok(surges.length > 0, 'a surge alert reached the socket');
  const hits = [];
  for (const a of surges) {
    const res = a.values.resolution;
    const [r] = await proc.sql<{ n: string }>(
      `SELECT count() AS n FROM trip_events FINAL WHERE truth_kind = 'surge' AND pickup_cell_r${res} = '${a.entity}'
       AND pickup_ts >= fromUnixTimestamp64Milli(toInt64(${a.ts - 3_600_000}), 'UTC') AND pickup_ts < fromUnixTimestamp64Milli(toInt64(${a.ts}), 'UTC')`,
    );
    if (Number(r!.n) > 0) hits.push(a);
  }
  assert.ok(hits.length > 0, `a surge alert lies on injected surge pickups (${surges.length} surge alerts)`);
  const onMap = boundaries.some((b) => b.cells.some((c) => c.severity !== null && c.direction === 'surge'));
  assert.ok(onMap, 'a surge-coloured cell reached the res-9 map channel');
});

const vigia = (...args: string[]) => runVigia(args, { NATS_URL: nats.url, VIGIA_DATA_DIR: dir.path });

test('a trip replay of a range gives the live verdicts in its own run, and its feature vectors export for training', { timeout: 900_000 }, async () => {
  // The second and third simulated days (the producer above ran 2026-01-05T05:00 + 3 days):
  // the demand scorer has its daily profiles by then, so the range holds cell alerts as well
  // as fare ones; the first day is only learnt from.
  const from = Date.UTC(2026, 0, 6, 5);
  const to = Date.UTC(2026, 0, 7, 23);
  await allStored();
  const [{ total }] = (await proc.sql<{ total: string }>(`SELECT count() AS total FROM trip_events FINAL`)) as [{ total: string }];
  const replay = await vigia('replay', '--domain', 'trip', '--from', new Date(from).toISOString(), '--to', new Date(to).toISOString(), '--run', 'trip-r1');
  assert.equal(replay.status, 0, replay.stderr);
  assert.doesNotMatch(replay.stderr, /no processor answered/, 'the running processor took the replay');
  const summary = JSON.parse(replay.stdout.trim().split('\n').pop()!) as { written: number; scanned: number; anomalies: number };
  assert.equal(summary.scanned, Number(total) + 1, 'the replay warms up on the whole log (the bad record included)');

  const range = (col: string) => `${col} BETWEEN fromUnixTimestamp64Milli(toInt64(${from}), 'UTC') AND fromUnixTimestamp64Milli(toInt64(${to}), 'UTC')`;
  const [cmp] = await proc.sql<Record<string, string>>(`
    SELECT
      (SELECT count() FROM trip_scores FINAL WHERE run_id = 'live' AND ${range('ts')}) AS live_trips,
      (SELECT count() FROM trip_scores FINAL WHERE run_id = 'trip-r1') AS replay_trips,
      (SELECT countIf(abs(a.score - b.score) > 1e-6 OR a.kind != b.kind OR a.severity != b.severity OR ifNull(abs(a.expected_fare - b.expected_fare), 0) > 1e-6)
         FROM (SELECT event_id, score, kind, severity, expected_fare FROM trip_scores FINAL WHERE run_id = 'live') AS a
         INNER JOIN (SELECT event_id, score, kind, severity, expected_fare FROM trip_scores FINAL WHERE run_id = 'trip-r1') AS b USING event_id) AS trips_differ,
      (SELECT count() FROM trip_cell_windows FINAL WHERE run_id = 'live' AND ${range('window_end')}) AS live_cells,
      (SELECT count() FROM trip_cell_windows FINAL WHERE run_id = 'trip-r1') AS replay_cells,
      (SELECT countIf(abs(a.score - b.score) > 1e-6 OR a.direction != b.direction OR ifNull(abs(a.if_score - b.if_score), 0) > 1e-6)
         FROM (SELECT resolution, cell, window_end, score, direction, if_score FROM trip_cell_windows FINAL WHERE run_id = 'live') AS a
         INNER JOIN (SELECT resolution, cell, window_end, score, direction, if_score FROM trip_cell_windows FINAL WHERE run_id = 'trip-r1') AS b USING (resolution, cell, window_end)) AS cells_differ,
      (SELECT count() FROM anomalies FINAL WHERE run_id = 'live' AND domain = 'trip' AND ${range('ts')}) AS live_anomalies,
      (SELECT countIf(detector LIKE 'trip-demand%') FROM anomalies FINAL WHERE run_id = 'trip-r1') AS replay_demand_anomalies,
      (SELECT count() FROM anomalies FINAL WHERE run_id = 'trip-r1') AS replay_anomalies`);
  assert.ok(Number(cmp!.live_trips) > 1000, `the range holds trips (${cmp!.live_trips})`);
  assert.equal(Number(cmp!.replay_trips), Number(cmp!.live_trips), 'the replay scores exactly the range');
  assert.equal(summary.written, Number(cmp!.replay_trips));
  assert.equal(Number(cmp!.trips_differ), 0, 'every replayed trip verdict and expected fare equals live');
  assert.equal(Number(cmp!.replay_cells), Number(cmp!.live_cells));
  assert.equal(Number(cmp!.cells_differ), 0, 'every replayed cell score, direction and forest score equals live');
  assert.equal(Number(cmp!.replay_anomalies), Number(cmp!.live_anomalies));
  assert.ok(Number(cmp!.replay_demand_anomalies) > 0, 'the range holds demand alerts');

  // Champion/challenger on trips: the diff compares trips and cell windows; nothing changed.
  const diff = await vigia('replay', 'diff', 'live', 'trip-r1', '--domain', 'trip');
  assert.equal(diff.status, 0, diff.stderr);
  const summaryRows = diff.stdout.split('\n').filter((l) => /^\d+\s+│/.test(l)).map((l) => l.split('│').map((c) => c.trim()));
  assert.deepEqual(summaryRows.map((c) => c[8]).sort(), ['cell window', 'trip']);
  for (const c of summaryRows) {
    assert.equal(Number(c[0]), Number(c[8] === 'trip' ? cmp!.live_trips : cmp!.live_cells), `${c[8]}s compared`);
    assert.deepEqual([c[1], c[2], c[7]], ['0', '0', '0'], `${c[8]}: nothing gained, lost or changed`);
  }

  // The replay's vectors are a training set: both trip feature sets export from its run.
  const out = join(dir.path, 'export');
  const parquet = new Session(); // chDB allows one session per process
  try {
    for (const set of ['trip-fare@1', 'trip-cell@1']) {
      const file = join(out, `${set.replace('@', '-')}.parquet`);
      const exported = await vigia('features', 'export', '--domain', 'trip', '--set', set, '--run', 'trip-r1', '--out', file);
      assert.equal(exported.status, 0, exported.stderr);
      const [row] = parquet.query(`SELECT count() AS n, min(ts_ms) AS lo, max(ts_ms) AS hi FROM file('${file}', Parquet)`, 'JSONEachRow').trim().split('\n').map((l) => JSON.parse(l) as { n: string; lo: string; hi: string });
      if (set === 'trip-fare@1') assert.equal(Number(row!.n), Number(cmp!.replay_trips), `${set}: one vector per scored trip`);
      // One vector per scored cell row: quiet rows (nothing in the hour, score 0) are scored and
      // keep their vector, but have no stored window (trip-batch.ts, isQuietCellRow).
      else assert.ok(Number(row!.n) >= Number(cmp!.replay_cells), `${set}: ${row!.n} vectors for ${cmp!.replay_cells} stored cell windows`);
      assert.ok(Number(row!.lo) >= from && Number(row!.hi) <= to, `${set} vectors lie in the range`);
    }
  } finally {
    parquet.close();
  }
});

test('a trip replay naming a model version that does not exist is refused with the folders it looked in', async () => {
  const r = await vigia('replay', '--domain', 'trip', '--from', '2026-01-07T05:00:00Z', '--to', '2026-01-07T06:00:00Z', '--run', 'trip-r2', '--model', '99');
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /no model version 99: none of .*trip-fare\/99.*trip-demand\/99/);
});
