// Exact nearest-window search for the onset component's shape scales (onset-novelty.ts).
//
// A past window n is `width` consecutive block means, normalised by the centre c_n and scale s_n
// of its time: g_nj = (v_{n+j} − c_n) / s_n. Its squared distance to the query f is the sum, in
// block order, of (f_j − g_nj)². The shape store keeps only the block means and the state of the
// oldest window, and replays c and s window by window (a serial chain). This index lets a search
// skip most windows without replaying or measuring them, and still return the minimum the full
// scan returns, bit for bit:
//   - windows are grouped in segments of SEGMENT consecutive numbers; per segment it keeps the
//     smallest and largest computed g_nj for each j (the window's own normalised values, the
//     query it was when it was newest) and the centre and spread after the segment's first
//     window, from which the chain restarts;
//   - the bound of a segment is the sum in block order of the squared distances of f_j to
//     [lo_j, hi_j], each term rounded like the real one. Rounding is monotone, so each term is
//     ≤ the window's term, and a sum of smaller non-negative terms in the same order is ≤ the
//     window's sum: a segment whose bound is ≥ the best distance so far holds no window nearer.
//   - segments are visited nearest bound first, then in order; a window's sum is abandoned once
//     it reaches the best (it can only grow), which cannot change the minimum either.
// The boxes are kept in single precision, rounded outward (a float32 box still contains every
// value it bounds, which is all the bound needs), so a segment costs 2 × width floats and two
// doubles: 80 bytes per 64 windows at width 8, 1.25 bytes a window against the 8 of its block
// mean (a mature station +10 %). Segments of 32 windows pruned a little more on smooth series
// and a little less on noise, at twice the memory: within the noise of the measurements
// (docs/perf/sensor-js-2026-12-08.md). They are derived state, rebuilt on restore, not persisted.

/** Windows per segment. */
export const SEGMENT = 64;

/** The scale a shape scale normalises its windows by, from its spread and centre. */
export function scaleOf(spread: number, centre: number): number {
  return Math.max(1.25 * spread, 1e-12, 1e-9 * Math.abs(centre));
}

/** The state of a shape scale as its chain replays: block count, centre, spread. */
export interface ChainState {
  k: number;
  centre: number;
  spread: number;
}

/**
 * Advances `st` by one block mean `v`: the live update of a shape scale (which first sets the
 * centre to the first block) and every replay of it, so they stay the same operations.
 */
export function stepChain(st: ChainState, v: number): void {
  // From block 500 on, max(0.002, 1 / k) is 0.002 exactly: no division on the hot path.
  const bb = ++st.k >= 500 ? 0.002 : Math.max(0.002, 1 / st.k);
  const dv = v - st.centre;
  st.centre += bb * dv;
  st.spread += bb * ((dv < 0 ? -dv : dv) - st.spread);
}

/** Where the held windows' block means live: a ring of `ring` slots, block b at b % ring. */
export interface BlockRing {
  readonly vals: Float64Array;
  readonly valsRing: number;
}

const f32 = new Float32Array(1);
const f32Bits = new Uint32Array(f32.buffer);

/** The largest float32 ≤ x (NaN for NaN). */
export function floorF32(x: number): number {
  f32[0] = x;
  const y = f32[0]!;
  if (!(y > x)) return y;
  // One float32 step towards −∞ from y (y > x, so y is not −∞).
  if (y === 0) f32Bits[0] = 0x80000001;
  else if (y > 0) f32Bits[0] = f32Bits[0]! - 1;
  else f32Bits[0] = f32Bits[0]! + 1;
  return f32[0]!;
}

/** The smallest float32 ≥ x (NaN for NaN). */
export function ceilF32(x: number): number {
  f32[0] = x;
  const y = f32[0]!;
  if (!(y < x)) return y;
  // One float32 step towards +∞ from y (y < x, so y is not +∞).
  if (y === 0) f32Bits[0] = 0x00000001;
  else if (y > 0) f32Bits[0] = f32Bits[0]! + 1;
  else f32Bits[0] = f32Bits[0]! - 1;
  return f32[0]!;
}

/** Scratch shared by every index: one search runs to completion before another starts. */
let bounds = new Float64Array(0);

export class ShapeWindowIndex {
  /** Per segment slot: lo_0, hi_0, lo_1, hi_1, … (width pairs), rounded outward to float32. */
  private box = new Float32Array(0);
  /** Per segment slot: centre and spread after the segment's first window. */
  private start = new Float64Array(0);
  /** Segment slots in the rings: enough for `memory` windows across segment edges. */
  private readonly slots: number;

  constructor(
    readonly width: number,
    readonly memory: number,
  ) {
    this.slots = Math.ceil(memory / SEGMENT) + 1;
  }

  get bytes(): number {
    return this.box.byteLength + this.start.byteLength;
  }

  clear(): void {
    this.box = new Float32Array(0);
    this.start = new Float64Array(0);
  }

  /** Records window `n`: its normalised values `g` (width of them) and the centre and spread of its time. */
  add(n: number, g: Float64Array, centre: number, spread: number): void {
    const seg = Math.floor(n / SEGMENT);
    const slot = seg % this.slots;
    const w = this.width;
    if (slot * 2 >= this.start.length && this.start.length < this.slots * 2) {
      // Grows by segments as windows arrive (a long-stride scale fills over weeks); until the
      // ring wraps, slot = segment, so growth keeps the filled prefix as it is.
      const size = Math.min(this.slots, slot + 4);
      const box = new Float32Array(size * 2 * w);
      box.set(this.box);
      this.box = box;
      const start = new Float64Array(size * 2);
      start.set(this.start);
      this.start = start;
    }
    const o = slot * 2 * w;
    const b = this.box;
    if (n % SEGMENT === 0) {
      this.start[slot * 2] = centre;
      this.start[slot * 2 + 1] = spread;
      for (let j = 0; j < w; j++) {
        b[o + 2 * j] = floorF32(g[j]!);
        b[o + 2 * j + 1] = ceilF32(g[j]!);
      }
      return;
    }
    for (let j = 0; j < w; j++) {
      const x = g[j]!;
      // A NaN never widens a box (NaN distances never win a search); one that starts NaN bounds nothing.
      if (x < b[o + 2 * j]!) b[o + 2 * j] = floorF32(x);
      if (x > b[o + 2 * j + 1]!) b[o + 2 * j + 1] = ceilF32(x);
    }
  }

  /**
   * Smallest squared distance of `f` to the held windows `oldest` … `last` (all in the index),
   * given the block means and the chain's state at window `oldest`; Infinity when none is below it.
   */
  search(f: Float64Array, blocks: BlockRing, oldest: number, last: number, old: Readonly<ChainState>): number {
    const w = this.width;
    const first = Math.floor(oldest / SEGMENT);
    const count = Math.floor(last / SEGMENT) - first + 1;
    if (bounds.length < count) bounds = new Float64Array(Math.max(count, this.slots));
    const box = this.box;
    let nearest = 0;
    for (let i = 0; i < count; i++) {
      const o = ((first + i) % this.slots) * 2 * w;
      let lb = 0;
      for (let j = 0; j < w; j++) {
        const x = f[j]!;
        const lo = box[o + 2 * j]!;
        const hi = box[o + 2 * j + 1]!;
        const e = x < lo ? lo - x : x > hi ? x - hi : 0;
        lb += e * e;
      }
      bounds[i] = lb;
      if (lb < bounds[nearest]!) nearest = i;
    }
    let best = this.scanSegment(f, blocks, first + nearest, oldest, last, old, Infinity);
    for (let i = 0; i < count; i++) {
      // `!(lb < best)` and not `lb >= best`: a NaN bound proves nothing, so its segment is scanned.
      if (i === nearest || !(bounds[i]! < best)) continue;
      best = this.scanSegment(f, blocks, first + i, oldest, last, old, best);
    }
    return best;
  }

  /** The best of `best` and the distances of segment `seg`'s held windows up to `last`. */
  private scanSegment(f: Float64Array, blocks: BlockRing, seg: number, oldest: number, last: number, old: Readonly<ChainState>, best: number): number {
    const w = this.width;
    const { vals, valsRing: ring } = blocks;
    let from = seg * SEGMENT;
    let kk: number;
    let c: number;
    let sp: number;
    if (from <= oldest) {
      // The oldest segment: its first windows may have left, with their block means.
      from = oldest;
      kk = old.k;
      c = old.centre;
      sp = old.spread;
    } else {
      const slot = (seg % this.slots) * 2;
      kk = old.k + (from - oldest);
      c = this.start[slot]!;
      sp = this.start[slot + 1]!;
    }
    const to = Math.min(last, seg * SEGMENT + SEGMENT - 1);
    const f0 = f[0]!;
    let q = from % ring;
    // Block n + w, the one that takes window n's state to window n + 1's.
    let next = (from + w) % ring;
    for (let n = from; ; n++) {
      const s = scaleOf(sp, c);
      const e = f0 - (vals[q]! - c) / s;
      // The first term alone, as the sum after block 0: most windows end here.
      if (e * e < best) {
        // The terms in groups of four between checks (fewer mispredicted exits): a window's sum
        // only grows, so one that passed `best` inside a group is still rejected at its end.
        let d = 0;
        let p = q;
        for (let j = 0; j < w && d < best; ) {
          const end = j + 4 < w ? j + 4 : w;
          for (; j < end; j++) {
            const x = f[j]! - (vals[p]! - c) / s;
            d += x * x;
            if (++p === ring) p = 0;
          }
        }
        if (d < best) best = d;
      }
      if (n === to) break;
      // stepChain, written out: the chain stays in registers.
      const bb = ++kk >= 500 ? 0.002 : Math.max(0.002, 1 / kk);
      const dv = vals[next]! - c;
      c += bb * dv;
      sp += bb * ((dv < 0 ? -dv : dv) - sp);
      if (++q === ring) q = 0;
      if (++next === ring) next = 0;
    }
    return best;
  }
}
