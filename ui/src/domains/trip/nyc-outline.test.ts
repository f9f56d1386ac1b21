import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { NYC_AIRPORTS } from '../../../../contracts/index.ts';
import { OutlineError, parseCityOutline, ringArea, ringCentroid } from './nyc-outline.ts';

const shipped = JSON.parse(readFileSync(new URL('./assets/nyc-boroughs.geo.json', import.meta.url), 'utf8')) as unknown;

/** Even-odd point-in-polygon over every ring of a borough. */
function inside(polygons: ReadonlyArray<ReadonlyArray<ReadonlyArray<readonly [number, number]>>>, [x, y]: readonly [number, number]): boolean {
  let odd = false;
  for (const polygon of polygons)
    for (const ring of polygon)
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i]!;
        const [xj, yj] = ring[j]!;
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) odd = !odd;
      }
  return odd;
}

describe('the shipped outline (assets/nyc-boroughs.geo.json)', () => {
  const outline = parseCityOutline(shipped);

  it('holds the five boroughs and the three airports of the trip contract', () => {
    assert.deepEqual(outline.boroughs.map((b) => b.name).sort(), ['Bronx', 'Brooklyn', 'Manhattan', 'Queens', 'Staten Island']);
    assert.deepEqual(outline.airports.map((a) => a.code).sort(), ['EWR', 'JFK', 'LGA']);
    for (const a of outline.airports) {
      const c = NYC_AIRPORTS[a.code as keyof typeof NYC_AIRPORTS];
      assert.deepEqual(a.at, [c.lng, c.lat], a.code);
    }
  });

  it('is simplified to a few hundred points per borough', () => {
    for (const b of outline.boroughs) {
      const n = b.polygons.flat().reduce((s, r) => s + r.length, 0);
      assert.ok(n >= 100 && n <= 1000, `${b.name}: ${n} points`);
    }
  });

  it('covers the city: bounds around NYC, landmarks in the right borough, water outside', () => {
    const { west, south, east, north } = outline.bounds;
    assert.ok(west > -74.3 && west < -74.2 && east > -73.72 && east < -73.68, `${west}…${east}`);
    assert.ok(south > 40.47 && south < 40.52 && north > 40.9 && north < 40.93, `${south}…${north}`);
    const borough = (name: string) => outline.boroughs.find((b) => b.name === name)!.polygons;
    assert.ok(inside(borough('Manhattan'), [-73.9855, 40.758]), 'Times Square');
    assert.ok(inside(borough('Queens'), [-73.7822, 40.6441]), 'JFK');
    assert.ok(inside(borough('Brooklyn'), [-73.9903, 40.6928]), 'Downtown Brooklyn');
    assert.ok(!inside(borough('Manhattan'), [-74.02, 40.76]), 'the Hudson');
  });

  it('writes each name inside its borough', () => {
    for (const b of outline.boroughs) assert.ok(inside(b.polygons, b.labelAt), b.name);
  });
});

describe('parseCityOutline', () => {
  it('names what is wrong with a broken file', () => {
    assert.throws(() => parseCityOutline({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { kind: 'borough' }, geometry: null }] }), (e: unknown) => {
      assert.ok(e instanceof OutlineError);
      assert.match(e.message, /malformed/);
      return true;
    });
    assert.throws(() => parseCityOutline({ type: 'FeatureCollection', features: [] }), /no borough/);
  });

  it('accepts a plain Polygon', () => {
    const square = [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]];
    const o = parseCityOutline({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { kind: 'borough', name: 'Sq', boroCode: 9 }, geometry: { type: 'Polygon', coordinates: square } }] });
    assert.deepEqual(o.boroughs[0]!.labelAt, [1, 1]);
    assert.deepEqual(o.bounds, { west: 0, south: 0, east: 2, north: 2 });
  });
});

describe('ringArea / ringCentroid', () => {
  it('area is signed by winding; the centroid does not depend on it', () => {
    const ccw = [[0, 0], [4, 0], [4, 2], [0, 2]] as const;
    assert.equal(ringArea(ccw), 8);
    assert.equal(ringArea([...ccw].reverse()), -8);
    assert.deepEqual(ringCentroid([...ccw].reverse()), [2, 1]);
  });

  it('falls back to the mean for a degenerate ring', () => {
    assert.deepEqual(ringCentroid([[1, 1], [3, 3], [2, 2]]), [2, 2]);
  });
});
