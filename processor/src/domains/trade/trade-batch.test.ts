import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionOf, subjects, type TradeDeclaration } from '../../../../contracts/index.ts';
import { DEFAULT_SEVERITY_BANDS } from '../../../../contracts/index.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { keyLimitsOf } from '../../core/key-budget.ts';
import { TradeBatchProcessor, type TradeBatchOptions } from './trade-batch.ts';
import { coffeeDeclaration } from './trade-declaration-fixture.ts';

const P = 4;
const T0 = Date.UTC(2026, 2, 2, 8);
const H = 3_600_000;
const NOW = T0 + 400 * H;
const enc = new TextEncoder();
const base = (i: number, over: Partial<TradeDeclaration> = {}): TradeDeclaration =>
  coffeeDeclaration({ id: `d${i}`, ts: T0 + i * H, exporter_id: `E${i % 5}`, fob_usd: 40_000 + (i % 7) * 500, ...over });
const seqs = new Map<number, number>();
const raw = (body: unknown, key = (body as TradeDeclaration).exporter_id ?? 'E0'): RawEvent => {
  const partition = partitionOf(key, P);
  const seq = (seqs.get(partition) ?? 0) + 1;
  seqs.set(partition, seq);
  return { subject: subjects.event('trade', partition, key), seq, partition, data: enc.encode(typeof body === 'string' ? body : JSON.stringify(body)) };
};
const options = (over: Partial<TradeBatchOptions> = {}): TradeBatchOptions => ({ runId: 'test', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: 300_000, partitionCount: P, features: { reportingThresholdUsd: 10_000 }, ...over });
const run = (p: TradeBatchProcessor, batch: RawEvent[]) => p.score(p.ingest(batch, NOW), null);

test('bad input becomes dead letters with the reason; good input becomes rows', () => {
  seqs.clear();
  const p = new TradeBatchProcessor(options());
  const r = run(p, [
    raw(base(1)),
    raw(base(2, { hs_code: '12AB56' })),
    raw(base(3, { fob_usd: -5 })),
    raw(base(4, { net_kg: 11_000 })),
    raw(base(5, { unit: 'BARRELS' as never })),
    raw('{"id": '),
    raw(base(6, { ts: NOW + 3_600_000 })),
    { ...raw(base(7, { exporter_id: 'E2' })), partition: (partitionOf('E2', P) + 1) % P, seq: 1_000 },
  ]);
  assert.equal(r.events, 1);
  assert.deepEqual(
    r.deadLetters.map((d) => d.kind),
    ['invalid_event', 'invalid_event', 'invalid_event', 'invalid_event', 'invalid_json', 'future_timestamp', 'partition_mismatch'],
  );
  const reasons = r.deadLetters.map((d) => d.reason);
  assert.match(reasons[0]!, /hs_code: malformed HS code/);
  assert.match(reasons[1]!, /fob_usd: negative value/);
  assert.match(reasons[2]!, /net_kg: net weight above gross/);
  assert.match(reasons[3]!, /unit: unknown unit "BARRELS"/);
  assert.equal(r.records.deadLetters.length, 7);
  assert.equal(r.deadLetters[0]!.domain, 'trade');
  assert.equal(r.records.scores.length, 1);
  assert.equal(r.records.features[0]!.feature_set, 'trade-ae@3');
});

test('the rules fire: quota exceeded is critical, impossible weights major; a redelivery is skipped', () => {
  seqs.clear();
  const p = new TradeBatchProcessor(options());
  const ctl = { hs_code: '291411', controlled: true, licence: 'L1', quota_kg: 1_000, exporter_id: 'Q' } as const;
  const first = raw(base(1, { ...ctl, net_kg: 700, gross_kg: 750, quantity: 700 }));
  const r = run(p, [first, raw(base(2, { ...ctl, net_kg: 400, gross_kg: 420, quantity: 400 })), raw(base(3, { exporter_id: 'W', quantity: 20_000 }))]);
  assert.deepEqual(
    r.anomalies.map((a) => [a.eventId, a.severity, a.detector, a.drivers[0]!.feature]),
    [
      ['d2', 'critical', 'trade-rules@1', 'quota.quota_used'],
      ['d3', 'major', 'trade-rules@1', 'weight.mass_mismatch'],
    ],
  );
  assert.equal(r.records.scores[1]!.quota_used, 1.1);
  assert.equal(r.records.anomalies.length, 2);
  assert.equal(run(p, [first]).redelivered, 1);
});

test('under-invoicing after a history scores as a price anomaly', () => {
  seqs.clear();
  const p = new TradeBatchProcessor(options());
  const history = Array.from({ length: 40 }, (_, i) => raw(base(i)));
  assert.equal(run(p, history).anomalies.length, 0);
  const r = run(p, [raw(base(41, { fob_usd: 2_000 }))]);
  assert.equal(r.anomalies.length, 1);
  assert.equal(r.records.scores[0]!.top_group, 'price');
  assert.ok(r.anomalies[0]!.score >= 95, String(r.anomalies[0]!.score));
});

test('snapshot/restore and tight key limits (evicting nodes) change no score', () => {
  const events = () => {
    seqs.clear();
    return Array.from({ length: 120 }, (_, i) =>
      raw(base(i, { exporter_id: `E${(i * 7) % 11}`, hs_code: ['090111', '060311', '080390'][i % 3]!, port: ['COCTG', 'COBOG', 'COBUN'][(i >> 2) % 3]!, fob_usd: 20_000 + ((i * 7919) % 17) * 900 })),
    );
  };
  const scoresOf = (p: TradeBatchProcessor, batches: RawEvent[][]) => batches.flatMap((b) => run(p, b).records.scores.map((s) => [s.event_id, s.score, s.drivers]));
  const all = events();
  const reference = scoresOf(new TradeBatchProcessor(options()), [all.slice(0, 60), all.slice(60)]);

  const a = new TradeBatchProcessor(options());
  const firstHalf = scoresOf(a, [all.slice(0, 60)]);
  const b = new TradeBatchProcessor(options());
  b.restoreState(JSON.parse(a.captureState().text as string));
  assert.deepEqual([...firstHalf, ...scoresOf(b, [all.slice(60)])], reference);

  // Nodes idle for 5 h of event time are evicted and revived losslessly.
  const limits = { ...keyLimitsOf({ maxKeysPerDomain: 1_000, stateBudgetBytes: 50_000_000, idleEvictMs: 5 * H, forgetEvictedMs: 0 }, 1_200) };
  const bounded = new TradeBatchProcessor(options({ limits }));
  const batches = Array.from({ length: 12 }, (_, i) => all.slice(i * 10, i * 10 + 10));
  assert.deepEqual(scoresOf(bounded, batches), reference);
  assert.ok(bounded.keys!.stats.evicted > 0, 'some nodes were evicted');

  // A snapshot holding evicted nodes restores them too.
  const c = new TradeBatchProcessor(options({ limits }));
  const head = scoresOf(c, batches.slice(0, 6));
  const d = new TradeBatchProcessor(options({ limits }));
  d.restoreState(JSON.parse(c.captureState().text as string));
  assert.deepEqual([...head, ...scoresOf(d, batches.slice(6))], reference);
});

test('a new company beyond processor.limits.maxKeysPerDomain is dead-lettered as key_limit', () => {
  seqs.clear();
  // Each partition holds 1/P of the limits: three keys in A's partition.
  const limits = keyLimitsOf({ maxKeysPerDomain: 3 * P, stateBudgetBytes: 50_000_000, idleEvictMs: 0, forgetEvictedMs: 0 }, 1_200);
  const p = new TradeBatchProcessor(options({ limits }));
  const [b, c] = Array.from({ length: 100 }, (_, i) => `X${i}`).filter((id) => partitionOf(id, P) === partitionOf('A', P));
  const r = run(p, [raw(base(1, { exporter_id: 'A' })), raw(base(2, { exporter_id: b! })), raw(base(3, { exporter_id: c! })), raw(base(4, { exporter_id: 'A' }))]);
  // A's company, subheading and port fill its partition's three keys; the next two would add a company each; A is known.
  assert.equal(r.events, 2);
  assert.deepEqual(r.deadLetters.map((d) => d.kind), ['key_limit', 'key_limit']);
  assert.match(r.deadLetters[0]!.reason, /processor\.limits\.maxKeysPerDomain = 3\b.*each of its 4 partitions 1\/4 of processor\.limits/);
});

test('a restored snapshot of another format is refused', () => {
  const p = new TradeBatchProcessor(options());
  assert.throws(() => p.restoreState({ format: 'vigia.sensor-processor-state', version: 3, seqs: {} }), /SnapshotUnreadableError|not a vigia.trade-state/);
});

test('a licence keeps its yearly consumption after its company was forgotten (processor.limits.forgetEvictedMs)', () => {
  seqs.clear();
  const limits = keyLimitsOf({ maxKeysPerDomain: 1_000, stateBudgetBytes: 50_000_000, idleEvictMs: H, forgetEvictedMs: 2 * H }, 1_200);
  const p = new TradeBatchProcessor(options({ limits }));
  const ctl = { hs_code: '291411', controlled: true, licence: 'L9', quota_kg: 1_000, exporter_id: 'Q' } as const;
  run(p, [raw(base(1, { ...ctl, net_kg: 700, gross_kg: 750, quantity: 700 }))]);
  // Ten hours of other companies' declarations: Q is evicted, then forgotten.
  for (let i = 2; i < 12; i++) run(p, [raw(base(i, { exporter_id: `O${i}` }))]);
  const r = run(p, [raw(base(12, { ...ctl, net_kg: 400, gross_kg: 420, quantity: 400 }))]);
  assert.equal(r.records.scores[0]!.quota_used, 1.1);
  assert.equal(r.anomalies[0]!.severity, 'critical');
  assert.ok(p.keys!.stats.forgottenRetention > 0, 'the company was forgotten');
});
