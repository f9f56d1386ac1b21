import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io as socketClient, type Socket } from 'socket.io-client';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { Anomaly, DeadLetter, SOCKET_EVENTS, streams } from '../../contracts/index.ts';
import { connectNats } from '../../nats/index.ts';
import { DEAD_LETTER_REASON_HEADER } from '../../processor/src/adapters/nats/nats-dead-letter-publisher.ts';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, waitFor, type ProcessorProcess } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');
const COUNT = 6000;

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;
let nc: NatsConnection;
let proc: ProcessorProcess;
let socket: Socket;
const viaNats: Anomaly[] = [];
const viaSocket: Anomaly[] = [];

before(async () => {
  dir = tempDir('e2e');
  nats = await startTestNats(dir.path);
  proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path });
  nc = await connectNats({ url: nats.url, name: 'e2e-test' });
  const sub = nc.subscribe('anomalies.sensor.>');
  void (async () => {
    for await (const m of sub) viaNats.push(Anomaly.parse(m.json()));
  })();
  socket = socketClient(proc.httpUrl, { transports: ['websocket'], auth: { token: proc.token } });
  socket.on('connect', () => socket.emit(SOCKET_EVENTS.subscribe, { domain: 'sensor' }));
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

test('injected faults → anomalies in ClickHouse, on NATS and at a socket.io client; a malformed message is dead-lettered; nothing is lost', async () => {
  // A malformed event first, then the real producer CLI with injected, labelled faults.
  nc.publish('events.sensor.0.broken', '{"id":"x","station":"broken","ts":"yesterday","channels":{}}');
  const produced = spawnSync(
    process.execPath,
    [BIN, 'produce', 'sensor', '--count', String(COUNT), '--rate', 'max', '--stations', '6', '--seed', '3', '--fault-rate', '6', '--start', '2026-01-05T00:00:00Z', '--nats-url', nats.url],
    { encoding: 'utf8' },
  );
  assert.equal(produced.status, 0, produced.stderr);
  const summary = JSON.parse(produced.stdout.trim().split('\n').pop()!) as { published: number; faultEpisodes: Record<string, number> };
  assert.equal(summary.published, COUNT);
  const totalIn = COUNT + 1;

  const [counts] = await waitFor(
    () => proc.sql<{ events: string; dead: string }>('SELECT (SELECT count() FROM sensor_events FINAL) AS events, (SELECT count() FROM dead_letters FINAL) AS dead'),
    (r) => Number(r[0]?.events) + Number(r[0]?.dead) >= totalIn,
    60_000,
    'every event stored or dead-lettered',
  );
  // events in = rows stored + dead-lettered, and each event exactly once
  assert.equal(Number(counts!.events), COUNT);
  assert.equal(Number(counts!.dead), 1);
  const [uniq] = await proc.sql<{ u: string; scores: string }>('SELECT uniqExact(event_id) AS u, (SELECT count() FROM scores FINAL) AS scores FROM sensor_events');
  assert.equal(Number(uniq!.u), COUNT);
  assert.equal(Number(uniq!.scores), COUNT);

  // (a) anomalies in ClickHouse, and they are mostly on readings the producer labelled as faults
  const [a] = await proc.sql<{ n: string; on_fault: string }>(
    "SELECT count() AS n, countIf(e.truth_kind != '') AS on_fault FROM anomalies AS a FINAL INNER JOIN sensor_events AS e FINAL ON a.event_id = e.event_id",
  );
  assert.ok(Number(a!.n) > 0, 'no anomaly stored');
  assert.ok(Number(a!.on_fault) > 0, 'no anomaly on an injected fault');

  // (b) on NATS and (c) at the socket.io client, with the same ids as stored
  await waitFor(async () => viaNats.length > 0 && viaSocket.length > 0, Boolean, 10_000, 'anomalies on NATS and socket.io');
  const stored = new Set((await proc.sql<{ event_id: string }>('SELECT event_id FROM anomalies')).map((r) => r.event_id));
  assert.ok(viaNats.every((x) => stored.has(x.eventId)), 'an alert on NATS that is not stored');
  assert.ok(viaSocket.some((x) => stored.has(x.eventId)));
  assert.match(viaNats[0]!.severity, /^(minor|major|critical)$/);

  // the dead letter carries the reason, in the body and in a header
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(streams.deadLetters);
  assert.equal(info.state.messages, 1);
  const stored1 = await jetstream(nc).streams.get(streams.deadLetters).then((s) => s.getMessage({ seq: info.state.first_seq }));
  const dl = DeadLetter.parse(stored1!.json());
  assert.equal(dl.kind, 'invalid_event');
  assert.match(dl.reason, /ts/);
  assert.match(dl.reason, /channels/);
  assert.match(stored1!.header.get(DEAD_LETTER_REASON_HEADER), /invalid_event/);
  const [dlRow] = await proc.sql<{ reason: string }>('SELECT reason FROM dead_letters');
  assert.equal(dlRow!.reason, dl.reason);
});

test('the SQL API refuses writes and bad SQL with a 400 and an explanation', async () => {
  for (const query of ['DROP TABLE sensor_events', 'SELECT no_such_column FROM scores']) {
    const res = await proc.fetch('/api/sql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    assert.equal(res.status, 400, query);
    const body = (await res.json()) as { error: string };
    assert.ok(body.error.length > 10, body.error);
  }
  const health = await fetch(`${proc.httpUrl}/health`);
  assert.equal(health.status, 200);
  const metrics = await (await proc.fetch('/metrics')).text();
  assert.match(metrics, /vigia_events_total\{domain="sensor"\} \d+/);
  assert.match(metrics, /vigia_dead_letters_total\{domain="sensor",kind="invalid_event"\} 1/);
});
