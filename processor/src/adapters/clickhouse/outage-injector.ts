
/** A simulated store outage: starts `afterMs` after the first write and lasts `forMs`. */
export interface StoreOutage {
  afterMs: number;
  forMs: number;
}

/** The store is down (injected fault); the processor must buffer, hold acks, and catch up. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}

/**
 * Fault injection for drills and tests (env VIGIA_FAULT_STORE_OUTAGE=afterMs:forMs): embedded
 * chDB cannot be stopped from outside, so the outage is simulated at the adapter boundary,
 * where a real server outage would surface too.
 */
export function withStoreOutage<R>(inner: { write(rows: R): Promise<void> }, outage: StoreOutage, now: () => number = Date.now): { write(rows: R): Promise<void> } {
  let firstWrite: number | undefined;
  return {
    write(batch: R) {
      const t = now();
      firstWrite ??= t;
      const since = t - firstWrite;
      if (since >= outage.afterMs && since < outage.afterMs + outage.forMs) {
        return Promise.reject(new StoreUnavailableError(`store unavailable (injected outage, ${Math.round((outage.afterMs + outage.forMs - since) / 1000)} s left)`));
      }
      return inner.write(batch);
    },
  };
}

/** Parse `afterMs:forMs`; undefined when unset. */
export function parseStoreOutage(text: string | undefined): StoreOutage | undefined {
  if (!text) return undefined;
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  if (!m) throw new Error(`VIGIA_FAULT_STORE_OUTAGE expects afterMs:forMs, got '${text}'`);
  return { afterMs: Number(m[1]), forMs: Number(m[2]) };
}
