import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseZoneCentroids, ZoneCentroidsError } from './taxi-zone-centroids.ts';

test('LocationID,lat,lng, and the usual header variants', () => {
  const z = parseZoneCentroids('LocationID,lat,lng\n132,40.6413,-73.7781\n\n161,40.758,-73.9776\n');
  assert.deepEqual(z.get(132), { lat: 40.6413, lng: -73.7781 });
  assert.equal(z.size, 2);
  const v = parseZoneCentroids('\uFEFF"zone_name","longitude","latitude","locationid"\nJFK,-73.7781,40.6413,132\n');
  assert.deepEqual(v.get(132), { lat: 40.6413, lng: -73.7781 });
});

test('errors name the file and line', () => {
  assert.throws(() => parseZoneCentroids('id,x\n1,2\n', 'z.csv'), (e: unknown) => e instanceof ZoneCentroidsError && /z\.csv:1/.test(e.message) && /LocationID/.test(e.message));
  assert.throws(() => parseZoneCentroids('LocationID,lat,lng\n1,40.7,-73.9\nA,40.7,-73.9\n', 'z.csv'), /z\.csv:3: LocationID 'A'/);
  assert.throws(() => parseZoneCentroids('LocationID,lat,lng\n1,400,-73.9\n', 'z.csv'), /z\.csv:2: lat\/lng/);
  assert.throws(() => parseZoneCentroids('LocationID,lat,lng\n1,40.7,-73.9\n1,40.7,-73.9\n', 'z.csv'), /appears twice/);
  assert.throws(() => parseZoneCentroids('LocationID,lat,lng\n', 'z.csv'), /no zones/);
});
