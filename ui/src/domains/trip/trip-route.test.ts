import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { latLngToCell } from 'h3-js';
import { parseRoute } from '../../lib/route.ts';
import { DEFAULT_TRIP_PLACE, parseTripPlace, tripPlaceHref } from './trip-route.ts';

const R9 = latLngToCell(40.7549, -73.984, 9);
const R8 = latLngToCell(40.7549, -73.984, 8);

describe('trip map place in the URL', () => {
  it('round-trips through the hash', () => {
    for (const p of [{ resolution: 9 as const, cell: R9 }, { resolution: 8 as const, cell: null }, { resolution: 7 as const, cell: null }]) {
      assert.deepEqual(parseTripPlace(parseRoute(tripPlaceHref(p)).args), p);
    }
    assert.equal(tripPlaceHref({ resolution: 9, cell: R9 }), `#/trips/9/${R9}`);
  });

  it('falls back on what it cannot use', () => {
    assert.deepEqual(parseTripPlace([]), DEFAULT_TRIP_PLACE);
    assert.deepEqual(parseTripPlace(['6', R9]), DEFAULT_TRIP_PLACE, 'not a map resolution');
    assert.deepEqual(parseTripPlace(['9', R8]), { resolution: 9, cell: null }, 'a cell of another resolution');
    assert.deepEqual(parseTripPlace(['9', 'not-a-cell']), { resolution: 9, cell: null });
  });
});
