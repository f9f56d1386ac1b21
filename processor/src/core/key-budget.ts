// Bounded memory per key: how many keys (stations, cells…) a domain keeps learned state for, and
// how many bytes that state may take.
//
// A key is *live* (its state in the detectors' maps) or *evicted* (its state kept in a compact
// serialized form, counted here, and stored in the processor snapshot). A live key not seen for
// `idleMs` of event time, measured against the domain's watermark (the newest event time seen),
// is evicted at the end of a batch; when it comes back its state is revived first, so its scores
// are exactly those it would have had without the eviction. Event time, not wall time: a replay
// of the same log evicts the same keys at the same messages, whatever its speed.
//
// An evicted key not seen for `forgetMs` of event time is *forgotten*: its state is dropped and,
// should it return, it starts fresh as a new key. Whether a returning key was forgotten depends
// only on its last event time and the watermark before its message, not on where batches end.
//
// A *new* key is admitted only while the domain holds fewer than `maxKeys` keys and its state
// (live bytes as the domain reports them, plus the evicted bytes) leaves room for one more key;
// otherwise its message is refused (the caller dead-letters it with kind `key_limit`), never
// learned, and memory stays bounded whatever the input. A key already known is never refused:
// refusing it would lose what it learned. A new key whose message then fails is released: it
// leaves no trace in the budget.
//
// Keys grow after admission, so the end of a batch (`settle`) also brings the state back under
// `budgetBytes`: it evicts the least recently seen live keys (event time), and when the evicted
// state alone passes its share of the budget (EVICTED_SHARE) it forgets the least recently seen
// evicted keys. Eviction is lossless; forgetting is counted in `stats.forgottenBudget`.
//
// Deterministic: state depends only on the admitted keys, their event times and their order
// (and, for the byte budget, on the sizes measured at the end of each batch).

import { deserialize, serialize } from 'node:v8';

/** What a domain's stateful parts do for the budget, per key. */
export interface KeyedState {
  /** Bytes the key's live state takes now (an estimate from the sizes of its arrays). */
  bytesOf(key: string): number;
  /** Removes the key's live state and returns it (structured-cloneable), or undefined when it has none. */
  evict(key: string): unknown;
  /** Puts back state `evict` returned. */
  revive(key: string, state: unknown): void;
  /**
   * Told that an evicted key is forgotten, with the state `evict` returned: a domain whose other
   * keys count this one (a graph node's degree) takes it out of their counts. Optional.
   */
  forget?(key: string, state: unknown): void;
}

export interface KeyLimits {
  /** Keys (live + evicted) a domain keeps state for; a new key beyond it is refused. */
  maxKeys: number;
  /** Bytes of state (live + evicted) a domain may hold; a new key that would pass it is refused, and `settle` evicts/forgets down to it. */
  budgetBytes: number;
  /** Event time after which a key not seen is evicted from the live maps, ms; 0 = never. */
  idleMs: number;
  /** Event time after which an evicted key not seen is forgotten (its state dropped), ms; 0 = never. */
  forgetMs: number;
  /** Bytes a new key is assumed to take before the domain reports its size. */
  newKeyBytes: number;
  /** Config path of these limits, named in the refusal reason, e.g. `processor.limits`. */
  configPath: string;
  /**
   * Forget at sweep points instead: when the watermark before a message passes a multiple of
   * this (event time, ms), every key (live or evicted) not seen for `forgetMs` before that
   * multiple is forgotten, and no key is forgotten in between. For a domain whose keys count
   * each other (KeyedState.forget), so that what a message sees depends only on the messages
   * before it — not on where batches end, nor on whether an idle key was evicted yet. Unset =
   * forgotten against the watermark as described above.
   */
  forgetSweepMs?: number;
}

/** The `processor.limits` config section, as the cores take it (one place for every domain, live and replay). */
export function keyLimitsOf(
  c: { maxKeysPerDomain: number; stateBudgetBytes: number; idleEvictMs: number; forgetEvictedMs: number },
  newKeyBytes: number,
): KeyLimits {
  return { maxKeys: c.maxKeysPerDomain, budgetBytes: c.stateBudgetBytes, idleMs: c.idleEvictMs, forgetMs: c.forgetEvictedMs, newKeyBytes, configPath: 'processor.limits' };
}

/** Part of `budgetBytes` evicted state may keep when the budget is exceeded, before the oldest evicted keys are forgotten. */
export const EVICTED_SHARE = 0.5;

/** `fresh`: the keys that were new to the budget (release them if the message then fails). */
export type Admission = { ok: true; fresh: readonly string[] } | { ok: false; limit: 'maxKeysPerDomain' | 'stateBudgetBytes'; reason: string };

export interface KeyBudgetStats {
  live: number;
  evicted: number;
  liveBytes: number;
  evictedBytes: number;
  /** Evicted keys forgotten (state dropped) after `forgetMs` without a message, since this budget was created. */
  forgottenRetention: number;
  /** Evicted keys forgotten (state dropped) to bring the state under `budgetBytes`, since this budget was created. */
  forgottenBudget: number;
}

/** JSON-safe form kept in the processor snapshot. */
export interface KeyBudgetSnapshot {
  watermark: number | null;
  /** Live keys, least recently seen first, with the newest event time of each. */
  live: [key: string, lastSeen: number][];
  /** Evicted keys: their serialized state, base64, and their newest event time (absent in snapshots before it was kept). */
  evicted: ([key: string, state: string] | [key: string, state: string, lastSeen: number])[];
}

interface LiveKey {
  lastSeen: number;
  bytes: number;
}

interface EvictedKey {
  lastSeen: number;
  blob: Uint8Array;
}

const NONE: readonly string[] = Object.freeze([]);

export class KeyBudget {
  /** Insertion order = least recently seen first (a key is re-inserted when seen). */
  readonly #live = new Map<string, LiveKey>();
  readonly #evicted = new Map<string, EvictedKey>();
  readonly #touched = new Set<string>();
  #liveBytes = 0;
  #evictedBytes = 0;
  #watermark = -Infinity;
  /** The watermark before the last admission (what `release` puts back). */
  #watermarkBefore = -Infinity;
  /** A lower bound of the evicted keys' lastSeen: nothing to forget while the cutoff is below it. */
  #oldestEvicted = Infinity;
  /**
   * A lower bound of the live keys' lastSeen (a key's lastSeen only grows while it is live): a
   * sweep whose cutoff is below it has no live key to forget and skips the walk over all of
   * them, which otherwise ran at every sweep point (hourly for trade) for nothing.
   */
  #oldestLive = Infinity;
  #forgottenRetention = 0;
  #forgottenBudget = 0;

  constructor(
    readonly limits: KeyLimits,
    private readonly state: KeyedState,
  ) {
    if (!(limits.maxKeys >= 1)) throw new RangeError('maxKeys must be ≥ 1');
    if (!(limits.budgetBytes > 0)) throw new RangeError('budgetBytes must be > 0');
    if (!(limits.idleMs >= 0)) throw new RangeError('idleMs must be ≥ 0');
    if (!(limits.forgetMs >= 0)) throw new RangeError('forgetMs must be ≥ 0');
  }

  /** Admits the key of a message at event time `ts` (reviving its state if evicted) or refuses it. */
  admit(key: string, ts: number): Admission {
    this.#sweep();
    const fresh = !this.#known(key);
    if (fresh) {
      const refused = this.#refusal(1);
      if (refused) return refused;
    }
    this.#watermarkBefore = this.#watermark;
    this.#admit(key, ts);
    return { ok: true, fresh: fresh ? [key] : NONE };
  }

  /** Admits every key of one message (e.g. a trip's pickup and dropoff cells), or none of them. */
  admitAll(keys: readonly string[], ts: number): Admission {
    this.#sweep();
    let fresh: string[] | null = null;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      if (keys.indexOf(k) === i && !this.#known(k)) (fresh ??= []).push(k);
    }
    const refused = fresh ? this.#refusal(fresh.length) : null;
    if (refused) return refused;
    this.#watermarkBefore = this.#watermark;
    for (const k of keys) this.#admit(k, ts);
    return { ok: true, fresh: fresh ?? NONE };
  }

  /**
   * Undoes the admission of keys that were new in the message just admitted (`fresh`), when
   * that message failed: they leave the budget, their live state is dropped (KeyedState.evict)
   * and the watermark goes back to what it was before. Call before admitting anything else.
   */
  release(fresh: readonly string[]): void {
    if (fresh.length === 0) return;
    for (const key of fresh) {
      const k = this.#live.get(key);
      if (k === undefined) continue;
      this.#live.delete(key);
      this.#liveBytes -= k.bytes;
      this.#touched.delete(key);
      this.state.evict(key);
    }
    this.#watermark = this.#watermarkBefore;
  }

  /** Live, or evicted and not past `forgetMs` (an evicted key past it is forgotten here: it returns as a new key). */
  #known(key: string): boolean {
    if (this.#live.has(key)) return true;
    const e = this.#evicted.get(key);
    if (e === undefined) return false;
    if (this.limits.forgetMs > 0 && !this.limits.forgetSweepMs && e.lastSeen < this.#watermark - this.limits.forgetMs) {
      this.#forget(key, e);
      this.#forgottenRetention++;
      return false;
    }
    return true;
  }

  #admit(key: string, ts: number): void {
    const live = this.#live.get(key);
    if (live !== undefined) {
      this.#live.delete(key);
      this.#live.set(key, live);
      if (ts > live.lastSeen) live.lastSeen = ts;
    } else {
      const e = this.#evicted.get(key);
      if (e !== undefined) {
        this.#evicted.delete(key);
        this.#evictedBytes -= e.blob.byteLength;
        this.state.revive(key, deserialize(e.blob));
        const bytes = this.state.bytesOf(key);
        const lastSeen = Math.max(ts, e.lastSeen);
        this.#live.set(key, { lastSeen, bytes });
        this.#liveBytes += bytes;
        if (lastSeen < this.#oldestLive) this.#oldestLive = lastSeen;
      } else {
        this.#live.set(key, { lastSeen: ts, bytes: this.limits.newKeyBytes });
        this.#liveBytes += this.limits.newKeyBytes;
        if (ts < this.#oldestLive) this.#oldestLive = ts;
      }
    }
    this.#touched.add(key);
    if (ts > this.#watermark) this.#watermark = ts;
  }

  /**
   * End of a batch: re-measures the keys seen in it, evicts the keys idle for `idleMs` behind
   * the watermark, forgets the evicted keys past `forgetMs`, then brings the state back under
   * `budgetBytes`. The idle walk goes from the least recently seen key and stops at the first
   * that is not idle, so a batch under its budget costs O(keys seen + keys evicted).
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
    if (this.limits.idleMs > 0) {
      const cutoff = this.#watermark - this.limits.idleMs;
      for (const [key, k] of this.#live) {
        if (k.lastSeen >= cutoff) break;
        this.#evict(key, k);
      }
    }
    this.#forgetExpired();
    if (this.#liveBytes + this.#evictedBytes > this.limits.budgetBytes) this.#enforceBudget();
  }

  /** Brings every evicted key back (end of a bounded run, before its last windows are flushed). */
  reviveAll(): void {
    for (const [key, e] of [...this.#evicted]) this.#admit(key, e.lastSeen);
  }

  get stats(): KeyBudgetStats {
    return {
      live: this.#live.size,
      evicted: this.#evicted.size,
      liveBytes: this.#liveBytes,
      evictedBytes: this.#evictedBytes,
      forgottenRetention: this.#forgottenRetention,
      forgottenBudget: this.#forgottenBudget,
    };
  }

  isEvicted(key: string): boolean {
    return this.#evicted.has(key);
  }

  isLive(key: string): boolean {
    return this.#live.has(key);
  }

  snapshot(): KeyBudgetSnapshot {
    return {
      watermark: Number.isFinite(this.#watermark) ? this.#watermark : null,
      live: [...this.#live].map(([key, k]) => [key, k.lastSeen]),
      evicted: [...this.#evicted].map(([key, e]) => [key, Buffer.from(e.blob.buffer, e.blob.byteOffset, e.blob.byteLength).toString('base64'), e.lastSeen]),
    };
  }

  /** Replaces the bookkeeping; call after the domain's own state was restored (it measures live keys). */
  restore(snap: KeyBudgetSnapshot): void {
    this.#live.clear();
    this.#evicted.clear();
    this.#touched.clear();
    this.#liveBytes = 0;
    this.#evictedBytes = 0;
    this.#oldestEvicted = Infinity;
    this.#oldestLive = Infinity;
    this.#watermark = snap.watermark ?? -Infinity;
    this.#watermarkBefore = this.#watermark;
    for (const [key, lastSeen] of snap.live) {
      const bytes = this.state.bytesOf(key);
      this.#live.set(key, { lastSeen, bytes });
      this.#liveBytes += bytes;
      if (lastSeen < this.#oldestLive) this.#oldestLive = lastSeen;
    }
    for (const [key, b64, lastSeen] of snap.evicted) {
      const blob = new Uint8Array(Buffer.from(b64, 'base64'));
      // A snapshot from before evicted keys kept their time: their retention starts at the watermark.
      this.#putEvicted(key, { blob, lastSeen: lastSeen ?? snap.watermark ?? 0 });
    }
  }

  #evict(key: string, k: LiveKey): EvictedKey {
    const state = this.state.evict(key);
    this.#live.delete(key);
    this.#liveBytes -= k.bytes;
    const e = { blob: new Uint8Array(serialize(state ?? null)), lastSeen: k.lastSeen };
    this.#putEvicted(key, e);
    return e;
  }

  #putEvicted(key: string, e: EvictedKey): void {
    this.#evicted.set(key, e);
    this.#evictedBytes += e.blob.byteLength;
    if (e.lastSeen < this.#oldestEvicted) this.#oldestEvicted = e.lastSeen;
  }

  #forget(key: string, e: EvictedKey): void {
    this.#evicted.delete(key);
    this.#evictedBytes -= e.blob.byteLength;
    if (this.state.forget) this.state.forget(key, deserialize(e.blob));
  }

  /** The last sweep point passed (forgetSweepMs). */
  #swept = -Infinity;

  /** At a new sweep point, forgets every key (live or evicted) not seen for `forgetMs` before it. */
  #sweep(): void {
    const every = this.limits.forgetSweepMs;
    if (!every || this.limits.forgetMs === 0 || !Number.isFinite(this.#watermark)) return;
    const point = Math.floor(this.#watermark / every) * every;
    if (point <= this.#swept) return;
    this.#swept = point;
    const cutoff = point - this.limits.forgetMs;
    // Every live key (not only up to the first recent one): out-of-order event times must not
    // make the outcome depend on which keys happened to be evicted already.
    if (this.#oldestLive < cutoff) {
      let oldestLive = Infinity;
      for (const [key, k] of this.#live) {
        if (k.lastSeen >= cutoff) {
          if (k.lastSeen < oldestLive) oldestLive = k.lastSeen;
          continue;
        }
        const state = this.state.evict(key);
        this.#live.delete(key);
        this.#liveBytes -= k.bytes;
        this.#touched.delete(key);
        this.#forgottenRetention++;
        if (this.state.forget) this.state.forget(key, state);
      }
      this.#oldestLive = oldestLive;
    }
    this.#forgetEvictedBefore(cutoff);
  }

  /** Forgets the evicted keys last seen before `cutoff`; a walk only when the oldest one is. */
  #forgetEvictedBefore(cutoff: number): void {
    if (!(this.#oldestEvicted < cutoff)) return;
    let oldest = Infinity;
    for (const [key, e] of this.#evicted) {
      if (e.lastSeen < cutoff) {
        this.#forget(key, e);
        this.#forgottenRetention++;
      } else if (e.lastSeen < oldest) oldest = e.lastSeen;
    }
    this.#oldestEvicted = oldest;
  }

  /** Forgets the evicted keys not seen for `forgetMs` behind the watermark. */
  #forgetExpired(): void {
    if (this.limits.forgetMs === 0) return;
    if (this.limits.forgetSweepMs) return this.#sweep();
    this.#forgetEvictedBefore(this.#watermark - this.limits.forgetMs);
  }

  /**
   * Over budget: evicts the least recently seen live keys (event time; ties in the order they
   * were last seen) while the evicted state keeps within its share, and otherwise forgets the
   * least recently seen evicted keys, until the state fits.
   */
  #enforceBudget(): void {
    const { budgetBytes } = this.limits;
    const share = budgetBytes * EVICTED_SHARE;
    const live = [...this.#live].sort((a, b) => a[1].lastSeen - b[1].lastSeen);
    const old = [...this.#evicted].sort((a, b) => a[1].lastSeen - b[1].lastSeen);
    // Keys evicted here, in increasing lastSeen (they come from `live` in that order).
    const fresh: [string, EvictedKey][] = [];
    let i = 0;
    let j = 0;
    let k = 0;
    while (this.#liveBytes + this.#evictedBytes > budgetBytes) {
      if (this.#evictedBytes <= share && i < live.length) {
        const [key, lk] = live[i++]!;
        fresh.push([key, this.#evict(key, lk)]);
        continue;
      }
      const a = old[j];
      const b = fresh[k];
      const next = a && (!b || a[1].lastSeen <= b[1].lastSeen) ? (j++, a) : b ? (k++, b) : undefined;
      if (!next) break;
      this.#forget(next[0], next[1]);
      this.#forgottenBudget++;
    }
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
        reason:
          `key limit reached: ${keys} keys hold state (${this.#live.size} live, ${this.#evicted.size} evicted), ${configPath}.maxKeysPerDomain = ${maxKeys}; ` +
          `raise it, or lower ${configPath}.forgetEvictedMs so evicted keys are forgotten sooner (evicted keys count until then)`,
      };
    }
    const bytes = this.#liveBytes + this.#evictedBytes;
    if (bytes + newKeyBytes > budgetBytes) {
      return {
        ok: false,
        limit: 'stateBudgetBytes',
        reason:
          `state budget reached: ${bytes} bytes of state (${this.#live.size} live keys, ${this.#evicted.size} evicted) + ${newKeyBytes} for ${fresh === 1 ? 'a new key' : `${fresh} new keys`} > ${configPath}.stateBudgetBytes = ${budgetBytes}; ` +
          `raise it (and the process's memory), or lower ${configPath}.forgetEvictedMs so evicted keys are forgotten sooner`,
      };
    }
    return null;
  }
}
