/**
 * Where the store's statements wait for their turn. Every caller (a domain, a worker, the HTTP
 * routes, replays, /health's probe) has its own lane, a FIFO; lanes with work take turns, one
 * statement each, so a domain with a long queue delays another's statement by at most the
 * statements already running, not by its whole queue. At most `concurrency` statements (one
 * per lane) run at once, each in a slot of its own (a chDB session runs one statement at a time;
 * a second one given to it would only wait inside chDB, holding a libuv thread).
 */
export interface StatementScheduler {
  /**
   * Run `statement` when `lane`'s turn comes; settles as it does. It is given the slot it runs
   * in (0 … concurrency − 1), free of any other statement: the session to run it on.
   */
  run<T>(lane: string, statement: (slot: number) => Promise<T>): Promise<T>;
  /** When the longest-running statement in flight started (ms by `now`); undefined when none runs. */
  busySinceMs(): number | undefined;
  /** Statements waiting (not yet started), by lane. */
  waiting(): Record<string, number>;
}

export interface FairStatementQueueOptions {
  /** Statements run at once. @default 1 */
  concurrency?: number;
  /** Clock for busySinceMs and observe. @default Date.now */
  now?: () => number;
  /** Told of every settled statement: how long it waited for its turn and how long it ran, ms. */
  observe?: (lane: string, waitedMs: number, ranMs: number) => void;
}

interface Job {
  queuedAt: number;
  start(slot: number): Promise<unknown>;
}

export function createFairStatementQueue(opts: FairStatementQueueOptions = {}): StatementScheduler {
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const now = opts.now ?? Date.now;
  const lanes = new Map<string, Job[]>();
  /**
   * Lanes with work and none running, in the order they get their next turn. A lane whose
   * statement runs joins at the end only when it settles, behind every lane that came
   * meanwhile: so a newcomer waits for the statements running, not for another turn of theirs.
   * One statement per lane at a time also keeps a lane's statements in order (a batch's
   * tables, the events table last).
   */
  const turns: string[] = [];
  /** The running statements' start times, by lane. */
  const running = new Map<string, number>();
  const freeSlots = Array.from({ length: concurrency }, (_, i) => concurrency - 1 - i);

  function pump(): void {
    while (freeSlots.length > 0 && turns.length > 0) {
      const lane = turns.shift()!;
      const job = lanes.get(lane)!.shift()!;
      const slot = freeSlots.pop()!;
      const startedAt = now();
      running.set(lane, startedAt);
      void job.start(slot).finally(function statementSettled() {
        running.delete(lane);
        freeSlots.push(slot);
        opts.observe?.(lane, startedAt - job.queuedAt, now() - startedAt);
        if (lanes.get(lane)!.length > 0) turns.push(lane);
        else lanes.delete(lane);
        pump();
      });
    }
  }

  return {
    run<T>(lane: string, statement: (slot: number) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const job: Job = {
          queuedAt: now(),
          start: (slot) => {
            // A statement that throws before returning its promise still settles its caller.
            const p = Promise.resolve(slot).then(statement);
            p.then(resolve, reject);
            return p.catch(() => undefined);
          },
        };
        const queue = lanes.get(lane);
        if (queue) queue.push(job);
        else lanes.set(lane, [job]);
        if (!running.has(lane) && !turns.includes(lane)) turns.push(lane);
        pump();
      });
    },
    busySinceMs() {
      let oldest: number | undefined;
      for (const since of running.values()) if (oldest === undefined || since < oldest) oldest = since;
      return oldest;
    },
    waiting() {
      return Object.fromEntries([...lanes].filter(([, q]) => q.length > 0).map(([lane, q]) => [lane, q.length]));
    },
  };
}
