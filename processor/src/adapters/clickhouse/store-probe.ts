/** /health's word on the store: answered at once from what the probe last saw. */
export interface StoreVerdict {
  ok: boolean;
  detail: string;
}

export interface StoreProbeOptions {
  /** One ping of the store (through its scheduler, so it waits as a statement does); rejects when it fails. */
  ping(): Promise<unknown>;
  /** Pause between one ping's answer and the next ping, ms. */
  everyMs: number;
  /** A ping, or any statement, outstanding this long means the store is not answering, ms. */
  stuckAfterMs: number;
  /** What the store is (embedded, server), for the detail. */
  label: string;
  now(): number;
  /** When the longest-running store statement started; undefined when none runs. */
  busySinceMs?(): number | undefined;
  /** Timer (injectable for tests). @default setTimeout, unref'd */
  after?(ms: number, fn: () => void): () => void;
}

export interface StoreProbe {
  check(): StoreVerdict;
  stop(): void;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * Pings the store in the background, one ping at a time, so /health never waits behind the
 * store's statements (a trip batch's INSERT held chDB for seconds, and /health with it). It
 * stays honest: a ping or statement outstanding longer than `stuckAfterMs` makes the store
 * "not ok" straight away, as does a failed last ping; the detail says how old the answer is.
 */
export function createStoreProbe(opts: StoreProbeOptions): StoreProbe {
  const after =
    opts.after ??
    ((ms, fn) => {
      const t = setTimeout(fn, ms);
      t.unref();
      return () => clearTimeout(t);
    });
  let last: { ok: true; at: number; tookMs: number } | { ok: false; at: number; error: string } | undefined;
  let pingingSince: number | undefined;
  let cancel: (() => void) | undefined;
  let stopped = false;

  function probe(): void {
    cancel = undefined;
    if (stopped) return;
    const since = opts.now();
    pingingSince = since;
    let answer: Promise<unknown>;
    try {
      answer = Promise.resolve(opts.ping());
    } catch (err) {
      answer = Promise.reject(err);
    }
    void answer
      .then(
        () => (last = { ok: true, at: opts.now(), tookMs: opts.now() - since }),
        (err: unknown) => (last = { ok: false, at: opts.now(), error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => {
        pingingSince = undefined;
        if (!stopped) cancel = after(opts.everyMs, probe);
      });
  }
  probe();

  return {
    check() {
      const now = opts.now();
      if (pingingSince !== undefined && now - pingingSince > opts.stuckAfterMs) {
        return { ok: false, detail: `${opts.label}: a ping has had no answer for ${seconds(now - pingingSince)}` };
      }
      const busySince = opts.busySinceMs?.();
      if (busySince !== undefined && now - busySince > opts.stuckAfterMs) {
        return { ok: false, detail: `${opts.label}: a statement has run for ${seconds(now - busySince)}` };
      }
      if (!last) return { ok: true, detail: `${opts.label}: first ping in flight` };
      if (!last.ok) return { ok: false, detail: `${opts.label}: ping failed ${seconds(now - last.at)} ago: ${last.error}` };
      return { ok: true, detail: `${opts.label}: ping ${last.tookMs} ms, ${seconds(now - last.at)} ago` };
    },
    stop() {
      stopped = true;
      cancel?.();
    },
  };
}
