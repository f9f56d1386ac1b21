// `vigia produce trip` against a real nats-server with JetStream: the simulation and TLC file
// replays publish the expected trips on the city's subject, msg id = trip id, in event-time
// order, read back with a JetStream consumer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { streams, tripSubject, type TripEvent } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { connectNats, ensureStreams } from '../../nats/index.ts';
import { createTripSimulation } from '../../producers/src/trip/index.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { tempDir } from '../harness/temp-dir.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'vigia.js');
const FIXTURES = join(ROOT, 'producers', 'src', 'trip', 'fixtures');
const STREAM = streams.events('trip');
const START = '2025-03-10T04:00:00Z'; // Monday 00:00 EDT
const HOUR = 3_600_000;

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let nc: NatsConnection;

before(async () => {
  dir = tempDir('produce-trip');
  nats = await startTestNats(dir.path);
  nc = await connectNats({ url: nats.url, name: 'produce-trip-test' });
  await ensureStreams(nc, parseConfig({}).streams);
});

after(async () => {
  await nc?.drain().catch(() => undefined);
  await nats?.stop();
  dir?.remove();
});

interface Produced {
  status: number | null;
  stderr: string;
  summary: Record<string, unknown> & { published: number };
}

function produceTrip(...args: string[]): Produced {
  const r = spawnSync(process.execPath, [BIN, 'produce', 'trip', ...args, '--nats-url', nats.url], { encoding: 'utf8', cwd: ROOT });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  return { status: r.status, stderr: r.stderr, summary: last.startsWith('{') ? JSON.parse(last) : { published: -1 } };
}

async function lastSeq(): Promise<number> {
  const jsm = await jetstreamManager(nc);
  return (await jsm.streams.info(STREAM)).state.last_seq;
}

interface StoredTrip {
  seq: number;
  subject: string;
  msgId: string | undefined;
  trip: TripEvent;
}

/** Every message stored after `afterSeq`, in stream order (an ordered consumer: nothing durable). */
async function readStored(afterSeq: number): Promise<StoredTrip[]> {
  const last = await lastSeq();
  if (last <= afterSeq) return [];
  const consumer = await jetstream(nc).consumers.get(STREAM, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: afterSeq + 1 });
  const out: StoredTrip[] = [];
  const messages = await consumer.consume({ max_messages: 500 });
  for await (const m of messages) {
    out.push({ seq: m.seq, subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), trip: m.json<TripEvent>() });
    if (m.seq >= last) break;
  }
  await messages.close();
  return out;
}

function assertDropoffOrder(stored: StoredTrip[]): void {
  for (let i = 1; i < stored.length; i++) {
    assert.ok(stored[i - 1]!.trip.dropoff_ts <= stored[i]!.trip.dropoff_ts, `${stored[i]!.trip.id} (seq ${stored[i]!.seq}) ends before its predecessor`);
  }
}

test('--days: the simulation over the span, on the city subject, msg id = trip id, in dropoff order, labels included; a re-run is de-duplicated', async () => {
  const opts = { startTs: Date.parse(START), seed: 7, anomalyRate: 0.01, episodesPerDay: 6 };
  const expected = createTripSimulation(opts).nextBatch(opts.startTs + 6 * HOUR);
  const before = await lastSeq();
  const r = produceTrip('--start', START, '--days', '0.25', '--seed', '7', '--anomaly-rate', '0.01', '--episodes-per-day', '6', '--demand', 'shape');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /demand: committed weekly shape \(--demand shape\)/);
  assert.equal(r.summary.published, expected.length);
  assert.ok(expected.length > 200, String(expected.length));

  const stored = await readStored(before);
  assert.equal(stored.length, expected.length);
  assert.deepEqual(new Set(stored.map((s) => s.subject)), new Set([tripSubject(4)]));
  assert.equal(tripSubject(4), 'events.trip.1.nyc');
  for (const s of stored) assert.equal(s.msgId, s.trip.id);
  assertDropoffOrder(stored);
  assert.deepEqual(stored.map((s) => s.trip), expected); // same trips, same order, truth included
  assert.ok(stored.some((s) => s.trip.truth), 'no labelled trip');

  // Same seed and start again (within the 2-minute de-duplication window): acked, not stored twice.
  const again = produceTrip('--start', START, '--days', '0.25', '--seed', '7', '--anomaly-rate', '0.01', '--episodes-per-day', '6', '--demand', 'shape');
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.summary.published, expected.length);
  assert.equal(await lastSeq(), before + expected.length);
});

test('--count: exactly the first N trips of the simulation', async () => {
  const expected = createTripSimulation({ startTs: Date.parse(START), seed: 8 }).nextBatch(Date.parse(START) + 12 * HOUR).slice(0, 150);
  const before = await lastSeq();
  const r = produceTrip('--start', START, '--count', '150', '--seed', '8', '--demand', 'shape');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.summary.published, 150);
  const stored = await readStored(before);
  assert.deepEqual(stored.map((s) => s.msgId), expected.map((t) => t.id));
  assertDropoffOrder(stored);
});

test('--file Parquet: every datable row in dropoff order with stable ids; the undatable row reported; the CSV twin is de-duplicated', async () => {
  const before = await lastSeq();
  const r = produceTrip('--file', join(FIXTURES, 'yellow_tripdata_2015-03_sample.parquet'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.summary.published, 9);
  assert.equal(r.summary.unconvertible, 1);
  assert.deepEqual(r.summary.unconvertibleRows, [{ row: 5, reason: 'no parseable dropoff time' }]);
  assert.equal(r.summary.rejected, 3);
  assert.match(r.stderr, /not published: 1 rows without a parseable dropoff time \(rows 5\)/);
  const stored = await readStored(before);
  assert.deepEqual(
    stored.map((s) => s.msgId),
    ['2', '4', '3', '1', '9', '7', '6', '8', '10'].map((row) => `tlc-yellow_tripdata_2015-03_sample-${row}`),
  );
  for (const s of stored) {
    assert.equal(s.subject, tripSubject(4));
    assert.equal(s.msgId, s.trip.id);
  }
  assertDropoffOrder(stored);
  // Contract failures are published as they are, for the processor to dead-letter.
  assert.equal(stored.find((s) => s.msgId!.endsWith('-8'))!.trip.pickup_ts, null);

  const csv = produceTrip('--file', join(FIXTURES, 'yellow_tripdata_2015-03_sample.csv'), '--limit', '4');
  assert.equal(csv.status, 0, csv.stderr);
  assert.equal(csv.summary.published, 4);
  assert.equal(await lastSeq(), before + 9);
});

test('--file with zone ids: refused without --zones (exit 2, says what to supply), published with them', async () => {
  const file = join(FIXTURES, 'yellow_tripdata_2024-11_sample.parquet');
  const before = await lastSeq();
  const refused = produceTrip('--file', file);
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /PULocationID\/DOLocationID/);
  assert.match(refused.stderr, /--zones FILE/);
  assert.equal(await lastSeq(), before);

  const r = produceTrip('--file', file, '--zones', join(FIXTURES, 'taxi_zone_centroids_sample.csv'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.summary.published, 6);
  assert.equal(r.summary.layout, 'zones');
  const stored = await readStored(before);
  assert.equal(stored.length, 6);
  assertDropoffOrder(stored);
  assert.deepEqual([stored[0]!.trip.pickup_lat, stored[0]!.trip.pickup_lng], [40.758, -73.9776]); // zone 161's centroid
});

test('bad flags stop before connecting, naming the flag', () => {
  const r = spawnSync(process.execPath, [BIN, 'produce', 'trip', '--scale', '-2', '--nats-url', 'nats://127.0.0.1:1'], { encoding: 'utf8', cwd: ROOT });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--scale expects a number from 0 to 10/);
});
