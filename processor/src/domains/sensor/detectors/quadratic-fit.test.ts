import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuadraticFit } from './quadratic-fit.ts';

/** Feeds (x, y) pairs and returns a predictor in original units. */
function fitted(points: [number, number][], beta = 1e-4) {
  const fit = new QuadraticFit(20, beta);
  for (const [x, y] of points) {
    if (fit.centring(x, y)) continue;
    fit.learn((x - fit.cx) / fit.sx, (y - fit.cy) / fit.sy);
  }
  return {
    fit,
    at(x: number) {
      const p = fit.predict((x - fit.cx) / fit.sx);
      return { y: fit.cy + fit.sy * p, h: fit.h };
    },
  };
}

test('recovers an exact quadratic, even after the regressor range has moved far', () => {
  const f = (x: number) => 7.5 - 0.5 * (x / 1000) ** 2;
  // The first readings sit in a narrow calm range (a night), later ones span the day.
  const pts: [number, number][] = [];
  for (let i = 0; i < 60; i++) pts.push([600 + i, f(600 + i)]);
  for (let i = 0; i < 3000; i++) {
    const x = 500 + 2500 * ((i * 0.618) % 1);
    pts.push([x, f(x)]);
  }
  const { fit, at } = fitted(pts);
  assert.ok(fit.sx > 200, `re-centred scale ${fit.sx}`);
  for (const x of [500, 1200, 2900]) assert.ok(Math.abs(at(x).y - f(x)) < 1e-6, `x=${x}`);
});

test('leverage is small inside the learnt range and large far outside it', () => {
  const pts: [number, number][] = [];
  for (let i = 0; i < 2000; i++) {
    const x = 1000 + 200 * Math.sin(i / 50);
    pts.push([x, 2 * x + 1]);
  }
  const { at } = fitted(pts);
  assert.ok(at(1000).h < 0.01, `inside ${at(1000).h}`);
  assert.ok(at(3000).h > 1, `outside ${at(3000).h}`);
});

test('snapshot and restore keep the fit', () => {
  const pts: [number, number][] = Array.from({ length: 500 }, (_, i) => [i, i * i * 0.01 - i]);
  const { fit, at } = fitted(pts);
  const copy = new QuadraticFit(20, 1e-4);
  copy.restore(JSON.parse(JSON.stringify(fit.snapshot())));
  const t = (250 - copy.cx) / copy.sx;
  assert.equal(copy.cy + copy.sy * copy.predict(t), at(250).y);
});
