import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createOnsetNovelty } from './onset-novelty.ts';

function noise(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  };
}

test('a new, larger excursion is an onset; repeats of it soon after are suppressed', () => {
  const o = createOnsetNovelty();
  const rnd = noise(1);
  // Ordinary behaviour: point surprises up to ~3.
  for (let i = 0; i < 2000; i++) o.update(Math.sin(i / 20) + 0.1 * rnd(), 3 * Math.abs(rnd()) * 2);
  assert.equal(o.update(0, 20).ratio > 1, true, 'a surprise far above the recent record is an onset');
  let again = 0;
  for (let i = 0; i < 100; i++) if (o.update(0, 20).ratio > 0) again++;
  assert.equal(again, 0, 'the same level right after is not announced again');
  assert.ok(o.update(0, 1000).ratio > 1, 'a clearly stronger one breaks through');
});

test('small surprises never make an onset, even when they set a record', () => {
  const o = createOnsetNovelty();
  let onsets = 0;
  for (let i = 0; i < 3000; i++) if (o.update(1, i < 2000 ? 1 : 3).ratio > 0) onsets++;
  assert.equal(onsets, 0);
});

test('a never-seen shape at the block scale sets a shape record', () => {
  const o = createOnsetNovelty({ strides: [1], warmup: 100 });
  for (let i = 0; i < 1500; i++) o.update(Math.sin((2 * Math.PI * i) / 50), 0);
  let best = 0;
  for (let i = 0; i < 20; i++) {
    o.update(5, 0);
    if (o.rawRatio > best) best = o.rawRatio;
  }
  assert.ok(best > 1, `a plateau far outside the cycle is a shape record, got ${best}`);
});

test('snapshot and restore continue identically', () => {
  const a = createOnsetNovelty();
  const rnd = noise(7);
  for (let i = 0; i < 1200; i++) a.update(rnd(), 5 * Math.abs(rnd()));
  const b = createOnsetNovelty();
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  for (let i = 0; i < 300; i++) {
    const v = rnd();
    const z = 8 * Math.abs(rnd());
    const x = a.update(v, z);
    const y = b.update(v, z);
    assert.equal(y.rawRatio, x.rawRatio);
    assert.equal(y.ratio, x.ratio);
  }
});

test('an onset is reported against the channel’s own typical onset: the first as it is, later ones in a channel of strong records discounted', () => {
  // Escalating spikes, each three times the last, far enough apart to escape suppression.
  const run = (typicalRate: number): { raw: number; reported: number }[] => {
    const o = createOnsetNovelty({ typicalRate });
    const out: { raw: number; reported: number }[] = [];
    let spike = 10;
    for (let i = 0; i < 4000; i++) {
      const z = i >= 400 && i % 400 === 0 ? (spike *= 3) : 1;
      o.update(0, z);
      if (z > 1 && o.ratio > 0) out.push({ raw: o.rawRatio, reported: o.ratio });
    }
    return out;
  };
  const plain = run(0);
  const calibrated = run(0.05);
  assert.ok(plain.length >= 5 && calibrated.length === plain.length, `every spike is an onset either way (${plain.length}, ${calibrated.length})`);
  for (const p of plain) assert.equal(p.reported, p.raw);
  assert.equal(calibrated[0]!.reported, calibrated[0]!.raw, 'no onset before: nothing to judge it against');
  const last = calibrated[calibrated.length - 1]!;
  assert.ok(last.reported > 1 && last.reported < last.raw - 0.1, `a series that keeps breaking its records by far reports less (${last.reported} of ${last.raw})`);
});

test('a clearly new shape is an onset without any point alarm, unless shapeAlone is 0', () => {
  const run = (shapeAlone: number): number => {
    const o = createOnsetNovelty({ strides: [4], warmup: 100, shapeAlone });
    for (let i = 0; i < 3000; i++) o.update(Math.sin((2 * Math.PI * i) / 60), 0);
    // The cycle stops: a plateau at its top, never seen before; the point surprise stays 0.
    let onsets = 0;
    for (let i = 0; i < 200; i++) if (o.update(1, 0).ratio > 1) onsets++;
    return onsets;
  };
  assert.equal(run(0), 0, 'off: shape alone is never an onset');
  assert.equal(run(1.5), 1, 'on: announced once (later records are suppressed)');
});

test('an ordinary periodic series with noise sets no shape-alone onsets', () => {
  const o = createOnsetNovelty();
  const rnd = noise(3);
  let onsets = 0;
  for (let i = 0; i < 20000; i++) if (o.update(Math.sin((2 * Math.PI * i) / 288) + 0.2 * rnd(), 0).ratio > 0 && i > 2000) onsets++;
  assert.equal(onsets, 0);
});

test('a run of strong surprises is an onset even soon after a single larger spike', () => {
  const run = (sustainWindow: number): number => {
    const o = createOnsetNovelty({ sustainWindow, suppress: 50 });
    const rnd = noise(3);
    for (let i = 0; i < 2000; i++) o.update(0, 2 * Math.abs(rnd()));
    o.update(0, 25); // one spike: the point record for a long while
    for (let i = 0; i < 200; i++) o.update(0, 2 * Math.abs(rnd()));
    // The channel then stays clearly off for a while: every reading ~10σ, less than the spike.
    let onsets = 0;
    for (let i = 0; i < 8; i++) if (o.update(0, 10 + rnd()).ratio > 0) onsets++;
    return onsets;
  };
  assert.equal(run(0), 0, 'without the sustained record the run is no record at all');
  assert.equal(run(5), 1, 'with it the run is announced once');
});

test('isolated spikes, however many, add no onset through the sustained surprise', () => {
  const onsets = (sustainWindow: number): number[] => {
    const o = createOnsetNovelty({ strides: [], periodAlone: 0, sustainWindow });
    const rnd = noise(5);
    const at: number[] = [];
    for (let i = 0; i < 4000; i++) {
      // A strong spike every 10 readings: the median of any five readings stays ordinary.
      const z = i % 10 === 0 ? 12 + 4 * Math.abs(rnd()) : 2 * Math.abs(rnd());
      if (o.update(0, z).ratio > 0) at.push(i);
    }
    return at;
  };
  assert.deepEqual(onsets(5), onsets(0));
});

test('sustainCount must lie within the window', () => {
  assert.throws(() => createOnsetNovelty({ sustainWindow: 5, sustainCount: 6 }));
  assert.throws(() => createOnsetNovelty({ sustainWindow: 2.5 }));
  assert.doesNotThrow(() => createOnsetNovelty({ sustainWindow: 0, sustainCount: 9 }));
});

test('snapshot and restore continue identically mid-window of the sustained surprise', () => {
  const a = createOnsetNovelty({ strides: [] });
  const rnd = noise(11);
  for (let i = 0; i < 1003; i++) a.update(0, i % 97 < 4 ? 9 + 30 * Math.abs(rnd()) : 2 * Math.abs(rnd()));
  const b = createOnsetNovelty({ strides: [] });
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  assert.deepEqual(b.snapshot(), a.snapshot());
  for (let i = 0; i < 500; i++) {
    const z = i % 89 < 5 ? 8 + 60 * Math.abs(rnd()) : 2 * Math.abs(rnd());
    assert.equal(b.update(0, z).rawRatio, a.update(0, z).rawRatio);
  }
});

test('surprises beyond sustainCap do not make every run of a collapsed-scale series a strong record', () => {
  // A series whose noise scale keeps shrinking: each run of deviating readings has more |z| than
  // the last, while its one spike stays the same (so the plain point record sees nothing new).
  const strongest = (sustainCap: number): number => {
    const o = createOnsetNovelty({ strides: [], periodAlone: 0, sustainCap });
    let best = 0;
    for (let i = 0; i < 6000; i++) {
      const k = i % 400;
      const z = k === 0 ? 1e5 : k < 6 ? 50 * Math.pow(1.5, Math.floor(i / 400)) : 0.5;
      o.update(0, z);
      if (i > 1200 && k < 6 && o.rawRatio > best) best = o.rawRatio;
    }
    return best;
  };
  assert.ok(strongest(1e6) > 1.4, 'uncapped, every run is a clear record');
  // Capped, a run only matches the last one; what is left is the record's own decay (2^(400/3000)).
  assert.ok(strongest(40) < 1.15, `capped, got ${strongest(40)}`);
});
