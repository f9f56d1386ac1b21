// Bounded memory per key: how many keys (stations, cells…) a domain keeps learned state for, and
// how many bytes that state may take.
//
// A key is *live* (its state in the detectors' maps) or *evicted* (its state kept in a compact
// serialized form, counted here, and stored in the processor snapshot). A live key not seen for
// `idleMs` of event time, measured against the domain's watermark (the newest event time seen),
// is evicted at the end of a batch; when it comes back its state is revived first, so its scores
// are exactly those it would have had without the eviction. Event time, not wall time: a replay
// of the same log evicts the same keys at the same messages, whatever its speed.
// A *new* key is admitted only while the domain holds fewer than `maxKeys` keys and its state
// (live bytes as the domain reports them, plus the evicted bytes) leaves room for one more key;
// otherwise its message is refused (the caller dead-letters it with kind `key_limit`), never
// learned, and memory stays bounded whatever the input. A key already known is never refused:
// refusing it would lose what it learned.
//
// Deterministic: state depends only on the admitted keys, their event times and their order.

import { deserialize, serialize } from 'node:v8';

/** What a domain's stateful parts do for the budget, per key. */
export interface KeyedState {
  /** Bytes the key's live state takes now (an estimate from the sizes of its arrays). */
  bytesOf(key: string): number;
  /** Removes the key's live state and returns it (structured-cloneable), or undefined when it has none. */
  evict(key: string): unknown;
  /** Puts back state `evict` returned. */
  revive(key: string, state: unknown): void;
}

export interface KeyLimits {
  /** Keys (live + evicted) a domain keeps state for; a new key beyond it is refused. */
  maxKeys: number;
  /** Bytes of state (live + evicted) a domain may hold; a new key that would pass it is refused. */
  budgetBytes: number;
  /** Event time after which a key not seen is evicted from the live maps, ms; 0 = never. */
  idleMs: number;
  /** Bytes a new key is assumed to take before the domain reports its size. */
  newKeyBytes: number;
  /** Config path of these limits, named in the refusal reason, e.g. `processor.limits`. */
  configPath: string;
}

export type Admission = { ok: true } | { ok: false; limit: 'maxKeysPerDomain' | 'stateBudgetBytes'; reason: string };

export interface KeyBudgetStats {
  live: number;
  evicted: number;
  liveBytes: number;
  evictedBytes: number;
}

/** JSON-safe form kept in the processor snapshot. */
export interface KeyBudgetSnapshot {
  watermark: number | null;
  /** Live keys, least recently seen first, with the newest event time of each. */
  live: [key: string, lastSeen: number][];
  /** Evicted keys: their serialized state, base64. */
  evicted: [key: string, state: string][];
}

interface LiveKey {
  lastSeen: number;
  bytes: number;
}

export class KeyBudget {
  /** Insertion order = least recently seen first (a key is re-inserted when seen). */
  readonly #live = new Map<string, LiveKey>();
  readonly #evicted = new Map<string, Uint8Array>();
  readonly #touched = new Set<string>();
  #liveBytes = 0;
  #evictedBytes = 0;
  #watermark = -Infinity;

  constructor(
    readonly limits: KeyLimits,
    private readonly state: KeyedState,
  ) {
    if (!(limits.maxKeys >= 1)) throw new RangeError('maxKeys must be ≥ 1');
    if (!(limits.budgetBytes > 0)) throw new RangeError('budgetBytes must be > 0');
    if (!(limits.idleMs >= 0)) throw new RangeError('idleMs must be ≥ 0');
  }

  /** Admits the key of a message at event time `ts` (reviving its state if evicted) or refuses it. */
  admit(key: string, ts: number): Admission {
    if (!this.#live.has(key) && !this.#evicted.has(key)) {
      const refused = this.#refusal(1);
      if (refused) return refused;
    }
    this.#admit(key, ts);
    return { ok: true };
  }

  /** Admits every key of one message (e.g. a trip's pickup and dropoff cells), or none of them. */
  admitAll(keys: readonly string[], ts: number): Admission {
    let fresh = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (!this.#live.has(k) && !this.#evicted.has(k) && keys.indexOf(k) === i) fresh++;
    }
    const refused = fresh > 0 ? this.#refusal(fresh) : null;
    if (refused) return refused;
    for (const k of keys) this.#admit(k, ts);
    return { ok: true };
  }

  #admit(key: string, ts: number): void {
    const live = this.#live.get(key);
    if (live !== undefined) {
      this.#live.delete(key);
      this.#live.set(key, live);
      if (ts > live.lastSeen) live.lastSeen = ts;
    } else {
      const blob = this.#evicted.get(key);
      if (blob !== undefined) {
        this.#evicted.delete(key);
        this.#evictedBytes -= blob.byteLength;
        this.state.revive(key, deserialize(blob));
        const bytes = this.state.bytesOf(key);
        this.#live.set(key, { lastSeen: ts, bytes });
        this.#liveBytes += bytes;
      } else {
        this.#live.set(key, { lastSeen: ts, bytes: this.limits.newKeyBytes });
        this.#liveBytes += this.limits.newKeyBytes;
      }
    }
    this.#touched.add(key);
    if (ts > this.#watermark) this.#watermark = ts;
  }

  /**
   * End of a batch: re-measures the keys seen in it, then evicts the keys idle for `idleMs`
   * behind the watermark. Walks from the least recently seen key and stops at the first that is
   * not idle, so a batch costs O(keys seen + keys evicted).
   */
  settle(): void {
    for (const key of this.#touched) {
      const k = this.#live.get(key);
      if (k === undefined) continue;
      const bytes = this.state.bytesOf(key);
      this.#liveBytes += bytes - k.bytes;
      k.bytes = bytes;
    }
    this.#touched.clear();
    if (this.limits.idleMs === 0) return;
    const cutoff = this.#watermark - this.limits.idleMs;
    for (const [key, k] of this.#live) {
      if (k.lastSeen >= cutoff) break;
      this.#evict(key, k);
    }
  }

  /** Brings every evicted key back (end of a bounded run, before its last windows are flushed). */
  reviveAll(): void {
    for (const key of [...this.#evicted.keys()]) this.#admit(key, this.#live.get(key)?.lastSeen ?? -Infinity);
  }

  get stats(): KeyBudgetStats {
    return { live: this.#live.size, evicted: this.#evicted.size, liveBytes: this.#liveBytes, evictedBytes: this.#evictedBytes };
  }

  isEvicted(key: string): boolean {
    return this.#evicted.has(key);
  }

  snapshot(): KeyBudgetSnapshot {
    return {
      watermark: Number.isFinite(this.#watermark) ? this.#watermark : null,
      live: [...this.#live].map(([key, k]) => [key, k.lastSeen]),
      evicted: [...this.#evicted].map(([key, blob]) => [key, Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength).toString('base64')]),
    };
  }

  /** Replaces the bookkeeping; call after the domain's own state was restored (it measures live keys). */
  restore(snap: KeyBudgetSnapshot): void {
    this.#live.clear();
    this.#evicted.clear();
    this.#touched.clear();
    this.#liveBytes = 0;
    this.#evictedBytes = 0;
    this.#watermark = snap.watermark ?? -Infinity;
    for (const [key, lastSeen] of snap.live) {
      const bytes = this.state.bytesOf(key);
      this.#live.set(key, { lastSeen, bytes });
      this.#liveBytes += bytes;
    }
    for (const [key, b64] of snap.evicted) {
      const blob = new Uint8Array(Buffer.from(b64, 'base64'));
      this.#evicted.set(key, blob);
      this.#evictedBytes += blob.byteLength;
    }
  }

  #evict(key: string, k: LiveKey): void {
    const state = this.state.evict(key);
    this.#live.delete(key);
    this.#liveBytes -= k.bytes;
    const blob = new Uint8Array(serialize(state ?? null));
    this.#evicted.set(key, blob);
    this.#evictedBytes += blob.byteLength;
  }

  /** Why `fresh` new keys cannot be admitted, or null when they can. */
  #refusal(fresh: number): Admission | null {
    const { maxKeys, budgetBytes, configPath } = this.limits;
    const newKeyBytes = fresh * this.limits.newKeyBytes;
    const keys = this.#live.size + this.#evicted.size;
    if (keys + fresh > maxKeys) {
      return {
        ok: false,
        limit: 'maxKeysPerDomain',
        reason: `key limit reached: ${keys} keys hold state (${this.#live.size} live, ${this.#evicted.size} evicted), ${configPath}.maxKeysPerDomain = ${maxKeys}; raise it, or lower ${configPath}.idleEvictMs so idle keys leave memory sooner`,
      };
    }
    const bytes = this.#liveBytes + this.#evictedBytes;
    if (bytes + newKeyBytes > budgetBytes) {
      return {
        ok: false,
        limit: 'stateBudgetBytes',
        reason: `state budget reached: ${bytes} bytes of state (${this.#live.size} live keys, ${this.#evicted.size} evicted)  + ${newKeyBytes} for ${fresh === 1 ? 'a new key' : `${fresh} new keys`} > ${configPath}.stateBudgetBytes = ${budgetBytes}; raise it (and the process's memory), or lower ${configPath}.idleEvictMs`,
      };
    }
    return null;
  }
}
