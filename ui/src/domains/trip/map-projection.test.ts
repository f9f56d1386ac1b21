import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, boundsOf, fitView, mercatorY, padBounds, panBy, project, resizeView, unproject, zoomAt, type GeoBounds } from './map-projection.ts';

const NYC: GeoBounds = { west: -74.26, south: 40.49, east: -73.69, north: 40.92 };
const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) <= eps, `${a} ≈ ${b}`);

describe('project / unproject', () => {
  it('are inverse of each other', () => {
    const view = fitView(NYC, 800, 600, 20);
    for (const [lng, lat] of [[-74, 40.7], [-73.78, 40.64], [-74.25, 40.5]] as const) {
      const [x, y] = project(view, lng, lat);
      const [lng2, lat2] = unproject(view, x, y);
      close(lng2, lng, 1e-9);
      close(lat2, lat, 1e-9);
    }
  });

  it('puts north up and east right', () => {
    const view = fitView(NYC, 800, 600);
    const [x0, y0] = project(view, -74, 40.7);
    const [x1, y1] = project(view, -73.9, 40.8);
    assert.ok(x1 > x0);
    assert.ok(y1 < y0);
  });

  it('stretches latitude like Web Mercator (conformal: a small square stays square)', () => {
    const view = fitView(NYC, 800, 600);
    const d = 0.001;
    const [x0, y0] = project(view, -74, 40.7);
    const [x1] = project(view, -74 + d, 40.7);
    // Equal ground distances: d degrees of longitude at 40.7° ≈ d·cos(40.7°) degrees of latitude.
    const [, y1] = project(view, -74, 40.7 + d * Math.cos((40.7 * Math.PI) / 180));
    close(x1 - x0, y0 - y1, (x1 - x0) * 1e-3);
  });

  it('clamps the poles instead of returning infinities', () => {
    assert.ok(Number.isFinite(mercatorY(90)));
    assert.ok(Number.isFinite(mercatorY(-90)));
  });
});

describe('fitView', () => {
  it('shows the bounds whole, centred, touching the padding on the tighter axis', () => {
    const view = fitView(NYC, 1000, 500, 25);
    const [xw, yn] = project(view, NYC.west, NYC.north);
    const [xe, ys] = project(view, NYC.east, NYC.south);
    assert.ok(xw >= 25 - 1e-6 && xe <= 975 + 1e-6);
    assert.ok(yn >= 25 - 1e-6 && ys <= 475 + 1e-6);
    // NYC is about as tall as wide, so in a wide box the height is what binds.
    close(yn, 25);
    close(ys, 475);
    close((xw + xe) / 2, 500);
  });

  it('survives a zero-size area and a degenerate box', () => {
    const v = fitView({ west: -74, south: 40.7, east: -74, north: 40.7 }, 0, 0, 10);
    assert.ok(Number.isFinite(v.scale) && v.scale > 0);
    assert.equal(v.width, 1);
    const [x, y] = project(v, -74, 40.7);
    close(x, 0.5);
    close(y, 0.5);
  });
});

describe('zoomAt / panBy / resizeView', () => {
  it('keeps the point under the cursor fixed while zooming', () => {
    const view = fitView(NYC, 800, 600);
    const before = unproject(view, 300, 200);
    const z = zoomAt(view, 300, 200, 2.5);
    close(z.scale, view.scale * 2.5);
    const [x, y] = project(z, before[0], before[1]);
    close(x, 300, 1e-6);
    close(y, 200, 1e-6);
  });

  it('clamps the scale and ignores nonsense factors', () => {
    const view = fitView(NYC, 800, 600);
    assert.equal(zoomAt(view, 0, 0, 100, 0, view.scale * 4).scale, view.scale * 4);
    assert.equal(zoomAt(view, 0, 0, 0.01, view.scale / 2).scale, view.scale / 2);
    assert.equal(zoomAt(view, 0, 0, 0), view);
    assert.equal(zoomAt(view, 0, 0, Number.NaN), view);
  });

  it('pans by screen pixels', () => {
    const view = fitView(NYC, 800, 600);
    const p = project(view, -74, 40.7);
    const q = project(panBy(view, 15, -7), -74, 40.7);
    close(q[0] - p[0], 15);
    close(q[1] - p[1], -7);
  });

  it('keeps the centre when the area is resized', () => {
    const view = fitView(NYC, 800, 600);
    const centre = unproject(view, 400, 300);
    const r = resizeView(view, 1000, 400);
    const c2 = unproject(r, 500, 200);
    close(c2[0], centre[0], 1e-9);
    close(c2[1], centre[1], 1e-9);
    assert.equal(r.scale, view.scale);
  });
});

describe('boundsOf / padBounds', () => {
  it('bounds finite points and skips the rest', () => {
    assert.deepEqual(
      boundsOf([
        [-74, 40.7],
        [-73.9, 40.6],
        [Number.NaN, 41],
      ]),
      { west: -74, south: 40.6, east: -73.9, north: 40.7 },
    );
    assert.equal(boundsOf([]), null);
  });

  it('pads by a fraction of the size', () => {
    const p = padBounds({ west: 0, south: 0, east: 10, north: 20 }, 0.1);
    assert.deepEqual(p, { west: -1, south: -2, east: 11, north: 22 });
  });
});

describe('atLeast', () => {
  it('grows small bounds around their centre and leaves big ones alone', () => {
    const grown = atLeast({ west: -74, south: 40.7, east: -74, north: 40.7 }, 0.2, 0.1);
    close(grown.west, -74.1);
    close(grown.east, -73.9);
    close(grown.south, 40.65);
    close(grown.north, 40.75);
    assert.deepEqual(atLeast(NYC, 0.1, 0.1), NYC);
  });
});
