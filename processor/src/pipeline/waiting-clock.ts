/**
 * When the oldest event delivered to a pipeline but not yet committed arrived: what /health's
 * stall clock starts from, so a domain that was idle is not "stalled" by the time since its last
 * commit the moment events come again. Batches take messages in arrival order and commit in
 * that order, so counting arrivals and commits is enough. One mark per distinct millisecond
 * (not per message) keeps it cheap at any rate.
 */
export class WaitingClock {
  #arrived = 0;
  #committed = 0;
  /** [arrival index of the first message of that ms, wall-clock ms], oldest first. */
  readonly #marks: [number, number][] = [];
  #head = 0;

  /** One message arrived at `nowMs`; true when it is the only one waiting (the clock starts). */
  arrived(nowMs: number): boolean {
    const last = this.#marks[this.#marks.length - 1];
    if (this.#head === this.#marks.length || last![1] !== nowMs) this.#marks.push([this.#arrived, nowMs]);
    this.#arrived++;
    return this.#arrived - this.#committed === 1;
  }

  /** The oldest `n` waiting messages were committed. */
  committed(n: number): void {
    this.#committed = Math.min(this.#arrived, this.#committed + n);
    // Drop marks wholly committed: those whose next mark starts at or before the oldest waiting.
    while (this.#head + 1 < this.#marks.length && this.#marks[this.#head + 1]![0] <= this.#committed) this.#head++;
    if (this.#committed === this.#arrived) this.#head = this.#marks.length;
    if (this.#head > 1024 && this.#head * 2 > this.#marks.length) {
      this.#marks.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Wall-clock ms the oldest uncommitted message arrived; undefined when none waits. */
  oldestMs(): number | undefined {
    return this.#committed === this.#arrived ? undefined : this.#marks[this.#head]![1];
  }
}
