import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as socketClient, type Socket } from 'socket.io-client';
import type { NatsConnection } from '@nats-io/transport-node';
import { Anomaly, DeadLetter, LiveCellBoundary, SOCKET_EVENTS, TRIP_SOCKET_EVENTS, tripSubject } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { connectNats } from '../../processor/src/adapters/nats/connect-nats.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, waitFor, type ProcessorProcess } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let nc: NatsConnection;
let proc: ProcessorProcess;
let socket: Socket;
const boundaries: LiveCellBoundary[] = [];
const viaSocket: Anomaly[] = [];
const viaNats: Anomaly[] = [];
const deadLetters: DeadLetter[] = [];

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
  socket = socketClient(proc.httpUrl, { transports: ['websocket'] });
  socket.on('connect', () => {
    socket.emit(SOCKET_EVENTS.subscribe, { domain: 'trip' });
    socket.emit(TRIP_SOCKET_EVENTS.watchMap, { resolution: 9 });
  });
  socket.on(TRIP_SOCKET_EVENTS.cells, (b: unknown) => boundaries.push(LiveCellBoundary.parse(b)));
  socket.on(SOCKET_EVENTS.anomaly, (a: unknown) => viaSocket.push(Anomaly.parse(a)));
  await waitFor(async () => socket.connected, Boolean, 10_000, 'socket.io connection');
});

after(async () => {
  socket?.close();
  await nc?.drain().catch(() => undefined);
  await proc?.stop();
  await nats?.stop();
  dir?.remove();
});

test('simulated trips → demand and fare anomalies on the map channel, NATS and ClickHouse; an impossible record is dead-lettered; nothing is lost', { timeout: 600_000 }, async () => {
  const partitions = parseConfig({}).streams.partitions;
  // A record the contract refuses (dropoff before pickup) goes first.
  nc.publish(tripSubject(partitions), JSON.stringify({ id: 'bad-trip', pickup_ts: 2000, dropoff_ts: 1000 }));
  const produced = spawnSync(
    process.execPath,
    [BIN, 'produce', 'trip', '--days', '3', '--start', '2026-01-05T05:00:00Z', '--seed', '3', '--demand', 'shape', '--episodes-per-day', '6', '--anomaly-rate', '0.004', '--nats-url', nats.url],
    { encoding: 'utf8' },
  );
  assert.equal(produced.status, 0, produced.stderr);
  const summary = JSON.parse(produced.stdout.trim().split('\n').pop()!) as { published: number; labelled: Record<string, number> };
  assert.ok(summary.published > 10_000, `expected a few days of trips, got ${summary.published}`);

  // Events in = rows stored + dead letters.
  await waitFor(
    async () => Number((await proc.sql<{ n: string }>(`SELECT (SELECT count() FROM trip_events FINAL) + (SELECT count() FROM dead_letters WHERE domain = 'trip') AS n`))[0]?.n ?? 0),
    (n) => n >= summary.published + 1,
    300_000,
    'every trip stored or dead-lettered',
  );
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
