// Forgetting (processor.limits.forgetEvictedMs) and the graph's degrees: a forgotten node leaves
// the counts of the nodes that counted it, whether they are live or evicted at the time, and
// what a declaration sees does not depend on how the partitions interleave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEVERITY_BANDS, partitionOf, subjects, type TradeDeclaration } from '../../../../contracts/index.ts';
import { keyLimitsOf, type KeyBudgetSnapshot } from '../../core/key-budget.ts';
import type { RawEvent } from '../../core/raw-event.ts';
import { TradeBatchProcessor, type TradeBatchOptions } from './trade-batch.ts';
import { TRADE_FEATURE_INDEX } from './trade-features.ts';
import { coffeeDeclaration } from './trade-declaration-fixture.ts';

const T0 = Date.UTC(2026, 2, 2, 8);
const H = 3_600_000;
const NOW = T0 + 10_000 * H;
const enc = new TextEncoder();
const decl = (id: string, hours: number, exporter: string, over: Partial<TradeDeclaration> = {}): TradeDeclaration =>
  coffeeDeclaration({ id, ts: Math.round(T0 + hours * H), exporter_id: exporter, ...over });

/** Sequence numbers per partition, in the order the declarations are given. */
function rawOf(ds: readonly TradeDeclaration[], partitions: number): RawEvent[] {
  const seqs = new Map<number, number>();
  return ds.map((d) => {
    const partition = partitionOf(d.exporter_id, partitions);
    const seq = (seqs.get(partition) ?? 0) + 1;
    seqs.set(partition, seq);
    return { subject: subjects.event('trade', partition, d.exporter_id), seq, partition, data: enc.encode(JSON.stringify(d)) };
  });
}

const options = (partitions: number, idleH: number, forgetH: number): TradeBatchOptions => ({
  runId: 'test',
  bands: DEFAULT_SEVERITY_BANDS,
  maxFutureMs: 300_000,
  partitionCount: partitions,
  limits: keyLimitsOf({ maxKeysPerDomain: 100_000, stateBudgetBytes: 500_000_000, idleEvictMs: idleH * H, forgetEvictedMs: forgetH * H }, 1_200),
  features: { reportingThresholdUsd: 10_000 },
});

/** Features by declaration id, one batch per declaration (so every batch end settles the budget). */
function featuresOf(p: TradeBatchProcessor, events: readonly RawEvent[], batch = 1): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (let i = 0; i < events.length; i += batch) {
    const r = p.score(p.ingest(events.slice(i, i + batch), NOW), null);
    for (const f of r.records.features) out.set(f.event_id, f.values);
  }
  return out;
}
const degree = (n: number) => Math.log2(1 + n);

test('a company forgotten while its port is live leaves the port degree, and counts once when it returns', () => {
  // One partition; Q files once, O every hour at the same port. Idle after 1 h, forgotten after 2 h.
  const ds = [decl('q1', 1, 'Q'), ...Array.from({ length: 9 }, (_, i) => decl(`o${i + 2}`, i + 2, 'O')), decl('q2', 12, 'Q'), decl('o13', 13, 'O')];
  const p = new TradeBatchProcessor(options(1, 1, 2));
  const f = featuresOf(p, rawOf(ds, 1));
  assert.ok(p.keys!.stats.forgottenRetention >= 1, 'Q was forgotten');
  assert.equal(f.get('o2')![TRADE_FEATURE_INDEX.port_degree], degree(1), 'Q (O counts from its first declaration on)');
  assert.equal(f.get('o3')![TRADE_FEATURE_INDEX.port_degree], degree(2), 'O and Q');
  assert.equal(f.get('o9')![TRADE_FEATURE_INDEX.port_degree], degree(1), 'Q forgotten: O alone');
  assert.equal(f.get('o9')![TRADE_FEATURE_INDEX.subheading_degree], degree(1));
  assert.equal(f.get('q2')![TRADE_FEATURE_INDEX.company_n], 0, 'Q starts afresh');
  assert.equal(f.get('o13')![TRADE_FEATURE_INDEX.port_degree], degree(2), 'Q back, counted once');
  assert.equal(f.get('o13')![TRADE_FEATURE_INDEX.subheading_degree], degree(2));
});

test('a company forgotten while its port is evicted is taken off the port when the port is revived', () => {
  // Q and R use port Y, then only O files (at port X): everything idle is evicted after 1 h; at
  // the sweep of hour 5, Q (last seen at hour 1) is forgotten (3 h) while Y (last seen at 2.2 h,
  // by R) is evicted, not forgotten; R brings Y back.
  const ds = [decl('q1', 1, 'Q', { port: 'COBUN' }), decl('r1', 2.2, 'R', { port: 'COBUN' }), decl('o2', 3.5, 'O'), decl('o3', 4.6, 'O'), decl('o4', 5.1, 'O'), decl('r2', 5.3, 'R', { port: 'COBUN' })];
  const p = new TradeBatchProcessor(options(1, 1, 3));
  const f = featuresOf(p, rawOf(ds, 1));
  assert.equal(f.get('r1')![TRADE_FEATURE_INDEX.port_degree], degree(1), 'Q before R');
  assert.equal(p.keys!.stats.forgottenRetention, 1, 'Q alone forgotten');
  assert.equal(f.get('r2')![TRADE_FEATURE_INDEX.port_degree], degree(1), 'R alone remembers port Y');
  assert.equal(f.get('r2')![TRADE_FEATURE_INDEX.subheading_degree], degree(2), 'R and O');
  // The owed count lives in the snapshot while Y is evicted: a restore in between gives the same.
  const q = new TradeBatchProcessor(options(1, 1, 3));
  const head = featuresOf(q, rawOf(ds, 1).slice(0, 5));
  const r = new TradeBatchProcessor(options(1, 1, 3));
  r.restoreState(JSON.parse(q.captureState().text as string));
  assert.deepEqual(new Map([...head, ...featuresOf(r, rawOf(ds, 1).slice(5))]), f);
});

/** Companies on two partitions filing with gaps around the forgetting time, in event-time order. */
function scenario(): TradeDeclaration[] {
  let x = 7;
  const rnd = () => ((x = (x * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const ds: TradeDeclaration[] = [];
  for (let c = 0; c < 12; c++) {
    let t = rnd() * 3;
    for (let i = 0; i < 12; i++) {
      ds.push(decl(`C${c}-${i}`, t, `C${c}`, { port: rnd() < 0.5 ? 'COCTG' : 'COBUN', hs_code: rnd() < 0.6 ? '0901119000' : '0803901100', destination: rnd() < 0.5 ? 'US' : 'DE' }));
      t += rnd() < 0.3 ? 3 + rnd() * 3 : rnd() * 2;
    }
  }
  return ds.sort((a, b) => a.ts - b.ts);
}

test('what a declaration sees does not depend on how the partitions interleave, nor on batch sizes', () => {
  const P = 2;
  const ds = scenario();
  assert.ok(new Set(ds.map((d) => partitionOf(d.exporter_id, P))).size === P, 'both partitions have companies');
  const inOrder = new TradeBatchProcessor(options(P, 1, 3));
  const reference = featuresOf(inOrder, rawOf(ds, P));
  assert.ok(inOrder.keys!.stats.forgottenRetention > 5, `companies were forgotten (${inOrder.keys!.stats.forgottenRetention})`);
  // Partition 1 entirely before partition 0: with one watermark for both, partition 0's companies
  // would all look forgotten.
  const byPartition = [...ds].sort((a, b) => partitionOf(b.exporter_id, P) - partitionOf(a.exporter_id, P));
  const skewed = new TradeBatchProcessor(options(P, 1, 3));
  const events = rawOf(byPartition, P);
  assert.deepEqual(featuresOf(skewed, events, 7), reference);
});

test('a v1 snapshot (one key budget for the domain) is read, its keys split by partition', () => {
  const P = 2;
  const ds = scenario();
  const events = rawOf(ds, P);
  const half = Math.floor(events.length / 2);
  // No forgetting: v1 judged it by another watermark; evicted nodes must come back unchanged.
  const reference = featuresOf(new TradeBatchProcessor(options(P, 1, 0)), events);
  const a = new TradeBatchProcessor(options(P, 1, 0));
  const head = featuresOf(a, events.slice(0, half));
  const v2 = JSON.parse(a.captureState().text as string);
  const budgets = Object.values(v2.keys as Record<string, KeyBudgetSnapshot>);
  assert.ok(budgets.some((b) => b.evicted.length > 0), 'some nodes are evicted at the snapshot');
  const v1 = {
    ...v2,
    version: 1,
    graph: { ...v2.graph, owed: undefined },
    keys: { watermark: Math.max(...budgets.map((b) => b.watermark ?? -Infinity)), live: budgets.flatMap((b) => b.live), evicted: budgets.flatMap((b) => b.evicted) },
  };
  const b = new TradeBatchProcessor(options(P, 1, 0));
  b.restoreState(JSON.parse(JSON.stringify(v1)));
  assert.deepEqual(b.keys!.stats, { ...a.keys!.stats, forgottenRetention: 0, forgottenBudget: 0 });
  assert.deepEqual(new Map([...head, ...featuresOf(b, events.slice(half))]), reference);
});
