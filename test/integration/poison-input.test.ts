// Issue #13's poison inputs against the real pipeline (nats-server + chDB + the processor
// process): each becomes a dead letter on dlq.<domain> that fits max_payload, the processor
// stays up and healthy, and the good events published after them are stored — also after a
// restart, which used to die (1970 trip) or stay stuck (an undeliverable dead letter) again.
// A time-0 trip on its own partition is valid: it is windowed, and the gap it opens is skipped.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { NatsConnection } from '@nats-io/transport-node';
import { DeadLetter, partitionOf, subjects, TRIP_REGION, tripSubject } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { connectNats } from '../../nats/index.ts';
import { createTripSimulation } from '../../producers/src/trip/index.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, waitFor, type ProcessorProcess } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';

const PARTITIONS = parseConfig({}).streams.partitions;
const HOUR = 3_600_000;

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let nc: NatsConnection;
let proc: ProcessorProcess;
/** Every dead letter seen on dlq.>, with its size on the wire. */
const letters: { d: DeadLetter; bytes: number }[] = [];

before(async () => {
  dir = tempDir('poison-input');
  nats = await startTestNats(dir.path);
  proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path });
  nc = await connectNats({ url: nats.url, name: 'poison-input-test' });
  const sub = nc.subscribe(subjects.deadLettersAll);
  void (async () => {
    for await (const m of sub) letters.push({ d: DeadLetter.parse(m.json()), bytes: m.data.length });
  })();
});

after(async () => {
  await nc?.drain().catch(() => undefined);
  await proc?.stop();
  await nats?.stop();
  dir?.remove();
});

const reading = (station: string, ts: number, pressure = 5) => ({ id: `${station}@${ts}`, station, ts, channels: { pressure }, truth: null });
const publishReading = (r: { station: string }) => nc.publish(subjects.event('sensor', partitionOf(r.station, PARTITIONS), r.station), JSON.stringify(r));
const health = async () => (await fetch(`${proc.httpUrl}/health`)).json() as Promise<{ status: string }>;
const count = async (sql: string) => Number((await proc.sql<{ n: string }>(sql))[0]?.n);

test('a time-0 trip on a foreign partition, a 995 KB event and a reading 23 h ahead are dead-lettered; the processor stays up and stores what follows, also after a restart', { timeout: 300_000 }, async () => {
  const now = Date.now();
  const trips = createTripSimulation({ startTs: now - 2 * HOUR, seed: 7, scale: 0.004, anomalyRate: 0 }).nextBatch(now - 5 * 60_000);
  assert.ok(trips.length > 20);
  const home = partitionOf(TRIP_REGION, PARTITIONS);
  const foreign = (home + 1) % PARTITIONS;

  // 1. The 1970 trip, on a partition that holds no trip state.
  nc.publish(subjects.event('trip', foreign, TRIP_REGION), JSON.stringify({ ...trips[0]!, id: 'poison-1970', pickup_ts: 0, dropoff_ts: 0 }));
  // 2. One sensor event with 5 invalid channel keys of 199 KB each (995 KB).
  const key = 'X'.repeat(199_000);
  const big = JSON.stringify({ id: 'big-1', station: 'big-st', ts: now - 60_000, channels: Object.fromEntries([1, 2, 3, 4, 5].map((i) => [`${key}${i}`, 1])), truth: null });
  assert.ok(big.length > 990_000 && big.length < (nc.info?.max_payload ?? 0));
  nc.publish(subjects.event('sensor', partitionOf('big-st', PARTITIONS), 'big-st'), big);
  // 3. A reading 23 h ahead, then that station's real readings.
  publishReading(reading('ahead-st', now + 23 * HOUR));
  for (let i = 10; i >= 1; i--) publishReading(reading('ahead-st', now - i * 60_000));
  // 4. A time-0 trip where it belongs: it opens the city's partition in 1970, and today's trips
  //    then jump 56 years ahead (the old windows walked that gap, 5 minutes at a time).
  nc.publish(tripSubject(PARTITIONS), JSON.stringify({ ...trips[0]!, id: 'home-1970', pickup_ts: 0, dropoff_ts: 0 }));
  // 5. Good traffic after the poison.
  for (const t of trips) nc.publish(tripSubject(PARTITIONS), JSON.stringify(t));
  for (let i = 0; i < 20; i++) publishReading(reading(`good-${i % 4}`, now - (20 - i) * 30_000));
  await nc.flush();

  await waitFor(async () => letters.length, (n) => n >= 3, 60_000, 'three dead letters on dlq.>');
  const byKind = Object.fromEntries(letters.map((l) => [l.d.kind, l]));
  const maxPayload = nc.info!.max_payload;

  const trip = byKind.partition_mismatch!;
  assert.equal(trip.d.domain, 'trip');
  assert.match(trip.d.reason, new RegExp(`partition ${foreign}.*hashes to partition ${home} of ${PARTITIONS}`));

  const dl = byKind.invalid_event!;
  assert.equal(dl.d.domain, 'sensor');
  assert.ok(dl.bytes <= maxPayload, `the dead letter fits max_payload (${dl.bytes} ≤ ${maxPayload})`);
  assert.equal(dl.d.truncated, true);
  assert.equal(dl.d.originalBytes, big.length);
  assert.match(dl.d.reason, /^channels\./, 'the reason survives the cut');

  const ahead = byKind.future_timestamp!;
  assert.equal(ahead.d.domain, 'sensor');
  assert.match(ahead.d.reason, /more than 5 min ahead/);

  await waitFor(() => count(`SELECT count() AS n FROM trip_events FINAL WHERE event_id != 'poison-1970'`), (n) => n === trips.length + 1, 60_000, 'every good trip (and the home 1970 one) stored');
  // The 1970 trip is windowed like any other; the gap after it costs at most the idle
  // retention (72 boundaries of 5 min) for its 6 cells, not 5.9 million boundaries.
  await waitFor(() => count(`SELECT count() AS n FROM trip_cell_windows FINAL WHERE window_end > toDateTime64('2026-01-01', 3, 'UTC')`), (n) => n > 0, 60_000, "today's cell windows");
  const ancient = await count(`SELECT count() AS n FROM trip_cell_windows FINAL WHERE window_end < toDateTime64('2000-01-01', 3, 'UTC')`);
  assert.ok(ancient > 0 && ancient <= 74 * 6, `${ancient} cell rows of 1970`);
  await waitFor(() => count(`SELECT count() AS n FROM sensor_events FINAL WHERE station LIKE 'good-%' OR station = 'ahead-st'`), (n) => n === 30, 60_000, 'every good reading stored');
  assert.equal(await count(`SELECT count() AS n FROM sensor_events FINAL WHERE station = 'ahead-st' AND late = 1`), 0, "the station's real readings are not late");
  assert.equal(await count(`SELECT count() AS n FROM dead_letters FINAL WHERE kind IN ('partition_mismatch', 'invalid_event', 'future_timestamp')`), 3);
  assert.equal(await count(`SELECT max(length(payload) + length(reason)) AS n FROM dead_letters FINAL`) <= 64 * 1024, true, 'stored dead letters are bounded too');
  assert.equal(proc.child.exitCode, null, 'the processor is still running');
  assert.equal((await health()).status, 'ok');

  // The poison is still in the log: a restart must neither die on it nor stick on it.
  await proc.stop();
  proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path });
  publishReading(reading('after-restart', Date.now() - 1000));
  await nc.flush();
  await waitFor(() => count(`SELECT count() AS n FROM sensor_events FINAL WHERE station = 'after-restart'`), (n) => n === 1, 60_000, 'a new event stored after the restart');
  assert.equal((await health()).status, 'ok');
});
