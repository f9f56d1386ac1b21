/** One domain's partitions (all, or one split of them) that a worker runs. */
export interface Assignment {
  domain: string;
  partitions: number[];
  /** Into how many workers this domain's partitions are split (its key limits are shared among them). */
  splits: number;
}

/** What one worker thread runs. */
export interface WorkerPlan {
  assignments: Assignment[];
}

/** `processor.workers` as a number: 'auto' = one per domain. */
export function workerCount(setting: number | 'auto', domains: readonly string[]): number {
  return setting === 'auto' ? domains.length : setting;
}

/**
 * Which worker runs which domain and partitions. Fewer workers than domains: domains are dealt
 * round-robin, each whole. More: every domain gets ⌊W/D⌋ workers (the first W mod D one more),
 * never more than its partitions, and its partitions are dealt round-robin among them. A
 * domain's keys live in one partition (the producers partition by key), so a split never
 * divides a key's state. Empty = no workers (everything in the main thread).
 */
export function planWorkers(domains: readonly string[], partitions: readonly number[], workers: number): WorkerPlan[] {
  if (workers <= 0 || domains.length === 0) return [];
  if (workers <= domains.length) {
    const plans: WorkerPlan[] = Array.from({ length: workers }, () => ({ assignments: [] }));
    domains.forEach((domain, i) => plans[i % workers]!.assignments.push({ domain, partitions: [...partitions], splits: 1 }));
    return plans;
  }
  const plans: WorkerPlan[] = [];
  domains.forEach((domain, i) => {
    const wanted = Math.floor(workers / domains.length) + (i < workers % domains.length ? 1 : 0);
    const splits = Math.max(1, Math.min(wanted, partitions.length));
    for (let s = 0; s < splits; s++) {
      plans.push({ assignments: [{ domain, partitions: partitions.filter((_, j) => j % splits === s), splits }] });
    }
  });
  return plans;
}
