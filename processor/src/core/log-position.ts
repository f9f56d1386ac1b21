/**
 * How far a domain core has read each partition of its log: the last stream sequence it
 * processed (scored or dead-lettered). Within one process a partition arrives in sequence
 * order, so a sequence at or below it is a redelivery of a message whose batch is still
 * committing; learning from it again would teach the core the same event twice. A snapshot
 * stores it as `seqs`, which is also where a resumed consumer starts.
 */
export class LogPosition {
  readonly #last = new Map<number, number>();

  /** True when (partition, seq) was already processed; otherwise records it and returns false. */
  seen(partition: number, seq: number): boolean {
    if (seq <= (this.#last.get(partition) ?? 0)) return true;
    this.#last.set(partition, seq);
    return false;
  }

  /** partition (as a string key) → last sequence, as a snapshot's `seqs`. */
  toSeqs(): Record<string, number> {
    return Object.fromEntries([...this.#last].map(([p, s]) => [String(p), s]));
  }

  /** Replace the position with a snapshot's `seqs`. */
  restore(seqs: Record<string, number>): void {
    this.#last.clear();
    for (const [p, seq] of Object.entries(seqs)) this.#last.set(Number(p), seq);
  }
}
