/**
 * Event-time tumbling windows per key with a per-key watermark.
 *
 * The watermark of a key is the largest event time seen minus the allowed lateness; a window
 * [start, start + size) closes once the watermark reaches its end. Readings older than an
 * already-closed window are "late": the caller stores them but they change no window.
 * Per-key watermarks (not one global one) because stations report independently — a slow
 * station must not hold back or prematurely close another's windows.
 */
export interface WindowAggregate {
  key: string;
  start: number;
  end: number;
  count: number;
  sum: Record<string, number>;
  min: Record<string, number>;
  max: Record<string, number>;
  /** Highest score of a reading in the window. */
  maxScore: number;
}

export interface TumblingWindowsSnapshot {
  sizeMs: number;
  allowedLatenessMs: number;
  keys: { key: string; maxTs: number | null; closedBefore: number | null; open: WindowAggregate[] }[];
}

export interface WindowAddResult {
  /** The reading arrived after its window had closed. */
  late: boolean;
  /** Windows closed by the watermark this reading advanced, oldest first. */
  closed: WindowAggregate[];
}

interface KeyState {
  maxTs: number;
  /** Start of the earliest window that may still receive readings. */
  closedBefore: number;
  open: Map<number, WindowAggregate>;
}

export class TumblingWindows {
  readonly #keys = new Map<string, KeyState>();
  constructor(
    /** Window length, ms. */
    readonly sizeMs: number,
    /** How far behind the key's newest event a reading may still arrive, ms. */
    readonly allowedLatenessMs: number,
  ) {
    if (!(sizeMs > 0)) throw new RangeError('window size must be > 0 ms');
    if (!(allowedLatenessMs >= 0)) throw new RangeError('allowed lateness must be ≥ 0 ms');
  }

  /** Aligned start of the window holding `ts` (epoch-aligned, so replays give the same windows). */
  windowStart(ts: number): number {
    return Math.floor(ts / this.sizeMs) * this.sizeMs;
  }

  add(key: string, ts: number, channels: Readonly<Record<string, number>>, score: number): WindowAddResult {
    let state = this.#keys.get(key);
    if (!state) {
      state = { maxTs: -Infinity, closedBefore: -Infinity, open: new Map() };
      this.#keys.set(key, state);
    }
    const start = this.windowStart(ts);
    if (start < state.closedBefore) return { late: true, closed: [] };
    let w = state.open.get(start);
    if (!w) {
      w = { key, start, end: start + this.sizeMs, count: 0, sum: {}, min: {}, max: {}, maxScore: 0 };
      state.open.set(start, w);
    }
    w.count++;
    if (score > w.maxScore) w.maxScore = score;
    for (const name in channels) {
      const v = channels[name]!;
      w.sum[name] = (w.sum[name] ?? 0) + v;
      if (!(name in w.min) || v < w.min[name]!) w.min[name] = v;
      if (!(name in w.max) || v > w.max[name]!) w.max[name] = v;
    }
    if (ts > state.maxTs) state.maxTs = ts;
    return { late: false, closed: this.#closeUpTo(state, state.maxTs - this.allowedLatenessMs) };
  }

  /** Open windows and watermarks, JSON-serialisable (for processor snapshots). */
  snapshot(): TumblingWindowsSnapshot {
    const keys: TumblingWindowsSnapshot['keys'] = [];
    for (const [key, s] of this.#keys) {
      keys.push({ key, maxTs: s.maxTs, closedBefore: s.closedBefore, open: [...s.open.values()].map((w) => ({ ...w, sum: { ...w.sum }, min: { ...w.min }, max: { ...w.max } })) });
    }
    return { sizeMs: this.sizeMs, allowedLatenessMs: this.allowedLatenessMs, keys };
  }

  /** Replace all state; refuses a snapshot taken with another window size. */
  restore(snap: TumblingWindowsSnapshot): void {
    if (snap.sizeMs !== this.sizeMs) throw new RangeError(`snapshot windows are ${snap.sizeMs} ms, configured ${this.sizeMs} ms`);
    this.#keys.clear();
    for (const k of snap.keys) {
      // JSON turns ±Infinity into null: read it back as "nothing seen / nothing closed yet".
      this.#keys.set(k.key, {
        maxTs: k.maxTs ?? -Infinity,
        closedBefore: k.closedBefore ?? -Infinity,
        open: new Map(k.open.map((w) => [w.start, { ...w }])),
      });
    }
  }

  /** Removes one key's watermark and open windows and returns them (key-budget eviction), or undefined. */
  evictKey(key: string): TumblingWindowsSnapshot['keys'][number] | undefined {
    const s = this.#keys.get(key);
    if (!s) return undefined;
    this.#keys.delete(key);
    return { key, maxTs: s.maxTs, closedBefore: s.closedBefore, open: [...s.open.values()] };
  }

  /** Puts back what evictKey returned. */
  reviveKey(k: TumblingWindowsSnapshot['keys'][number]): void {
    this.#keys.set(k.key, { maxTs: k.maxTs ?? -Infinity, closedBefore: k.closedBefore ?? -Infinity, open: new Map(k.open.map((w) => [w.start, w])) });
  }

  /** Close every open window (end of a bounded replay or a benchmark). */
  flush(): WindowAggregate[] {
    const out: WindowAggregate[] = [];
    for (const state of this.#keys.values()) out.push(...this.#closeUpTo(state, Infinity));
    return out;
  }

  #closeUpTo(state: KeyState, watermark: number): WindowAggregate[] {
    const closed: WindowAggregate[] = [];
    for (const [start, w] of state.open) {
      if (w.end <= watermark) {
        closed.push(w);
        state.open.delete(start);
      }
    }
    if (closed.length) {
      closed.sort((a, b) => a.start - b.start);
      const lastEnd = closed[closed.length - 1]!.end;
      if (lastEnd > state.closedBefore) state.closedBefore = lastEnd;
    }
    return closed;
  }
}

/** Per-channel means of a closed window. */
export function windowMeans(w: WindowAggregate): Record<string, number> {
  const out: Record<string, number> = {};
  for (const name in w.sum) out[name] = w.sum[name]! / w.count;
  return out;
}
