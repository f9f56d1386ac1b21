import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOnsetNovelty, ShapeScale } from './onset-novelty.ts';
import { ceilF32, floorF32, scaleOf, stepChain, type ChainState } from './shape-window-index.ts';

/**
 * The definition, naively: every window normalised when it completes and kept whole, the distance
 * summed over all its blocks, the minimum over every held window but the w − 1 newest.
 */
class NaiveShape {
  private acc = 0;
  private cnt = 0;
  private readonly chain: ChainState = { k: 0, centre: 0, spread: 0 };
  private readonly recent: number[] = [];
  private readonly windows: Float64Array[] = [];
  constructor(
    readonly stride: number,
    readonly width: number,
    readonly memory: number,
  ) {}

  update(x: number): number {
    this.acc += x;
    if (++this.cnt < this.stride) return -1;
    const v = this.acc / this.cnt;
    this.acc = 0;
    this.cnt = 0;
    if (this.chain.k === 0) this.chain.centre = v;
    stepChain(this.chain, v);
    const { centre, spread } = this.chain;
    const w = this.width;
    this.recent.push(v);
    if (this.recent.length > w) this.recent.shift();
    if (this.recent.length < w) return -1;
    const sc = scaleOf(spread, centre);
    const f = Float64Array.from(this.recent, (r) => (r - centre) / sc);
    let best = Infinity;
    for (let n = 0; n < this.windows.length - (w - 1); n++) {
      let d = 0;
      for (let j = 0; j < w; j++) {
        const e = f[j]! - this.windows[n]![j]!;
        d += e * e;
      }
      if (d < best) best = d;
    }
    const avail = this.windows.length - (w - 1);
    this.windows.push(f);
    if (this.windows.length > this.memory) this.windows.shift();
    return avail < 20 ? -1 : Math.sqrt(best / w);
  }
}

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** Series of the kinds the detectors meet: cycles, walks, plateaus, spikes, steps, extreme magnitudes, repeats. */
function series(seed: number, n: number): number[] {
  const rnd = lcg(seed);
  const kind = seed % 6;
  const scale = [1, 1e-6, 1e9, 1, 1, 100][kind]!;
  const out: number[] = [];
  let walk = 0;
  for (let i = 0; i < n; i++) {
    walk += rnd() - 0.5;
    let x: number;
    if (kind === 0) x = Math.sin(i / (5 + (seed % 13))) + 0.05 * (rnd() - 0.5);
    else if (kind === 3) x = Math.floor(i / 150) % 2 === 0 ? 7 : 7 + Math.round(rnd() * 3); // constant stretches, integer counts
    else if (kind === 4) x = rnd() < 0.02 ? 50 * rnd() : 0.1 * rnd(); // spikes
    else if (kind === 5) x = (i > n / 2 ? 3 : 0) + Math.sin(i / 30) + 0.3 * walk; // a step on a drifting cycle
    else x = walk + Math.sin(i / 20);
    out.push(x * scale);
  }
  return out;
}

test('the indexed search returns the naive nearest distance bit for bit, across ring and segment wraps', () => {
  let compared = 0;
  for (let seed = 1; seed <= 36; seed++) {
    const rnd = lcg(seed * 7919);
    const stride = 1 + Math.floor(rnd() * 3);
    const width = 2 + Math.floor(rnd() * 9);
    const memory = [8, 20, 33, 100, 257, 1000][seed % 6]!;
    const fast = new ShapeScale(stride, width, memory, 0.999);
    const naive = new NaiveShape(stride, width, memory);
    for (const x of series(seed, 4000)) {
      const a = fast.update(x);
      const b = naive.update(x);
      assert.ok(Object.is(a, b), `seed ${seed} (stride ${stride}, width ${width}, memory ${memory}): ${a} against ${b}`);
      if (a >= 0) compared++;
    }
  }
  assert.ok(compared > 20_000, `enough distances compared: ${compared}`);
});

test('a restored onset (index rebuilt from the snapshot) continues bit for bit like the uninterrupted one', () => {
  for (let seed = 1; seed <= 6; seed++) {
    const opts = { strides: [1, 3], memory: 45, warmup: 20 };
    const a = createOnsetNovelty(opts);
    const xs = series(seed, 3000);
    let b = createOnsetNovelty(opts);
    for (let i = 0; i < xs.length; i++) {
      if (i % 700 === 350) {
        const next = createOnsetNovelty(opts);
        next.restore(JSON.parse(JSON.stringify(b.snapshot())));
        b = next;
      }
      const z = Math.abs(xs[i]!) % 9;
      const ra = a.update(xs[i]!, z).rawRatio;
      const rb = b.update(xs[i]!, z).rawRatio;
      assert.ok(Object.is(ra, rb), `seed ${seed} reading ${i}: ${rb} against ${ra}`);
    }
  }
});

test('float32 rounding outward: the nearest float32 on the right side, whatever the double', () => {
  const rnd = lcg(99);
  const xs = [0, -0, 1e-50, -1e-50, 1e-45, 1.4e-45, -1.4e-45, 3.4028234663852886e38, 1e39, -1e39, 1e300, -1e300, Infinity, -Infinity, 1 / 3, -1 / 3, 0.1, 16777217];
  for (let i = 0; i < 20_000; i++) xs.push((rnd() - 0.5) * 10 ** (Math.floor(rnd() * 80) - 40));
  for (const x of xs) {
    const lo = floorF32(x);
    const hi = ceilF32(x);
    assert.ok(lo <= x && x <= hi, `${lo} ≤ ${x} ≤ ${hi}`);
    assert.equal(Math.fround(lo), lo);
    assert.equal(Math.fround(hi), hi);
    // Nothing representable lies strictly between: the step is one float32 (or none when x is one).
    if (lo !== hi) assert.ok(Math.fround(x) === lo || Math.fround(x) === hi, `${x}: ${lo} … ${hi}`);
  }
  assert.ok(Number.isNaN(floorF32(NaN)) && Number.isNaN(ceilF32(NaN)));
});
