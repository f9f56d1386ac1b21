// One key budget per partition for the trade graph. Every node belongs to one partition (a
// company to the partition its exporter hashes to, subheading and port nodes carry theirs), so
// each partition can judge idleness and forgetting by its own event time. With one budget for
// the domain, the watermark is the newest declaration of *any* partition, and whether a company
// back after ~forgetEvictedMs was forgotten depends on how far the other partitions had got —
// on the interleaving, which differs between a live run and a replay. Per partition it depends
// only on the partition's own log.
//
// Forgetting sweeps hourly (TRADE_FORGET_SWEEP_MS) rather than at batch ends.
//
// The limits are shared evenly: each partition's budget holds 1/partitionCount of
// processor.limits (partitions hash companies evenly).
import { KeyBudget, type KeyBudgetSnapshot, type KeyBudgetStats, type KeyLimits } from '../../core/key-budget.ts';
import type { TradeGraphState } from './trade-graph-state.ts';

/**
 * Forgetting happens at each hour of a partition's event time (KeyLimits.forgetSweepMs): a node
 * forgotten takes itself off its neighbours' degrees, so when it happens must not depend on where
 * batches end. An hour is fine-grained beside forgetEvictedMs (days) and costs one walk over the
 * partition's keys per hour of declarations.
 */
export const TRADE_FORGET_SWEEP_MS = 3_600_000;

export type TradeKeyBudgetsSnapshot = Record<string, KeyBudgetSnapshot>;

export class TradeKeyBudgets {
  readonly #budgets = new Map<number, KeyBudget>();
  readonly #limits: KeyLimits;
  /** Said with a refusal: the limits it names are one partition's share. */
  readonly shareNote: string;

  constructor(
    limits: KeyLimits,
    private readonly graph: TradeGraphState,
    partitionCount = 1,
  ) {
    const n = Math.max(1, partitionCount);
    this.shareNote = `the trade domain gives each of its ${n} partitions 1/${n} of ${limits.configPath}`;
    this.#limits = { ...limits, forgetSweepMs: TRADE_FORGET_SWEEP_MS, maxKeys: Math.max(1, Math.ceil(limits.maxKeys / n)), budgetBytes: Math.max(1, Math.ceil(limits.budgetBytes / n)) };
  }

  /** The budget of `partition`, created on its first declaration. */
  of(partition: number): KeyBudget {
    let b = this.#budgets.get(partition);
    if (b === undefined) {
      const keyed = this.graph.keyedFor(partition, (key) => b!.isEvicted(key));
      this.#budgets.set(partition, (b = new KeyBudget(this.#limits, keyed)));
    }
    return b;
  }

  /** End of a batch, for every partition (idle and forgotten keys are judged by each one's own watermark). */
  settle(): void {
    for (const b of this.#budgets.values()) b.settle();
  }

  get stats(): KeyBudgetStats {
    const t: KeyBudgetStats = { live: 0, evicted: 0, liveBytes: 0, evictedBytes: 0, forgottenRetention: 0, forgottenBudget: 0 };
    for (const b of this.#budgets.values()) {
      const s = b.stats;
      t.live += s.live;
      t.evicted += s.evicted;
      t.liveBytes += s.liveBytes;
      t.evictedBytes += s.evictedBytes;
      t.forgottenRetention += s.forgottenRetention;
      t.forgottenBudget += s.forgottenBudget;
    }
    return t;
  }

  snapshot(): TradeKeyBudgetsSnapshot {
    return Object.fromEntries([...this.#budgets].map(([p, b]) => [String(p), b.snapshot()]));
  }

  /** Call after the graph was restored (each budget measures its live nodes). */
  restore(snap: TradeKeyBudgetsSnapshot): void {
    this.#budgets.clear();
    for (const [p, s] of Object.entries(snap)) this.of(Number(p)).restore(s);
  }

  /**
   * A v1 snapshot's single budget, split by partition: subheading and port keys name theirs,
   * a company's is its exporter's hash (`partitionOfKey`). Every partition starts from the
   * one watermark it had.
   */
  restoreShared(snap: KeyBudgetSnapshot, partitionOfKey: (key: string) => number): void {
    const parts = new Map<number, KeyBudgetSnapshot>();
    const part = (key: string) => {
      const p = partitionOfKey(key);
      let s = parts.get(p);
      if (s === undefined) parts.set(p, (s = { watermark: snap.watermark, live: [], evicted: [] }));
      return s;
    };
    for (const e of snap.live) part(e[0]).live.push(e);
    for (const e of snap.evicted) part(e[0]).evicted.push(e);
    this.restore(Object.fromEntries([...parts].map(([p, s]) => [String(p), s])));
  }
}
