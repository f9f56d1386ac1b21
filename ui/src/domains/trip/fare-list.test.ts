import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { latLngToCell } from 'h3-js';
import type { Anomaly, FareAnomaly } from '../../../../contracts/index.ts';
import { fareRowFromAnomaly, fareRowFromApi, hasLiveOnlyRows, isDemandAnomaly, isFareAnomaly, mergeFareRows, type FareRow } from './fare-list.ts';

const T0 = Date.UTC(2026, 2, 2, 18);

function fare(tripId: string, minute: number, over: Partial<FareAnomaly> = {}): FareAnomaly {
  return {
    tripId,
    ts: T0 + minute * 60_000,
    score: 90,
    severity: 'major',
    driver: 'fare_residual',
    reason: 'fare far above the meter',
    fare: 80,
    expectedFare: 22.5,
    distance: 3.1,
    durationMin: 14,
    pickupCell: '882a100d65fffff',
    ...over,
  };
}
const api = (tripId: string, minute: number, over: Partial<FareAnomaly> = {}): FareRow => fareRowFromApi(fare(tripId, minute, over));
const live = (tripId: string, minute: number, over: Partial<FareAnomaly> = {}): FareRow => ({ ...fare(tripId, minute, over), source: 'live' });

function anomaly(over: Partial<Anomaly> = {}): Anomaly {
  return {
    id: 'live:t-1',
    runId: 'live',
    domain: 'trip',
    entity: '882a100d65fffff',
    eventId: 't-1',
    ts: T0,
    score: 93,
    severity: 'major',
    detector: 'trip-fare@1',
    drivers: [{ feature: 'fare_amount', score: 93, value: 80, expected: 22.5, reason: 'fare 3.6× the expected' }],
    values: { fare_amount: 80, trip_distance: 3.1, duration_min: 14 },
    emittedAt: T0 + 5,
    ...over,
  };
}

describe('isFareAnomaly / isDemandAnomaly', () => {
  it('tell the two trip scorers apart by detector, trip domain only', () => {
    assert.ok(isFareAnomaly(anomaly()));
    assert.ok(!isDemandAnomaly(anomaly()));
    assert.ok(isDemandAnomaly(anomaly({ detector: 'trip-demand@1' })));
    assert.ok(!isFareAnomaly(anomaly({ domain: 'sensor' })));
  });
});

describe('fareRowFromAnomaly', () => {
  it('reads fare, distance and duration from values and the expected fare from the fare driver', () => {
    const row = fareRowFromAnomaly(anomaly())!;
    assert.deepEqual(row, {
      source: 'live',
      tripId: 't-1',
      ts: T0,
      score: 93,
      severity: 'major',
      driver: 'fare_amount',
      reason: 'fare 3.6× the expected',
      fare: 80,
      expectedFare: 22.5,
      distance: 3.1,
      durationMin: 14,
      pickupCell: '882a100d65fffff',
    });
  });

  it('prefers an expected fare in values; leaves it null rather than guess from an unrelated driver', () => {
    assert.equal(fareRowFromAnomaly(anomaly({ values: { fare_amount: 80, expected_fare: 20 } }))!.expectedFare, 20);
    const speed = anomaly({ drivers: [{ feature: 'speed_mph', score: 99, value: 140, expected: 12, reason: '140 mph' }] });
    assert.equal(fareRowFromAnomaly(speed)!.expectedFare, null);
    assert.equal(fareRowFromAnomaly(speed)!.driver, 'speed_mph');
  });

  it('finds the pickup cell (resolution 8) from the pickup coordinates, or takes a cell entity', () => {
    const row = fareRowFromAnomaly(anomaly({ entity: 't-1', values: { fare_amount: 9, pickup_lat: 40.758, pickup_lng: -73.9855 } }))!;
    assert.equal(row.pickupCell, latLngToCell(40.758, -73.9855, 8));
    assert.equal(fareRowFromAnomaly(anomaly())!.pickupCell, '882a100d65fffff');
  });

  it('marks unknown distance and duration as NaN and a non-cell entity as no cell', () => {
    const row = fareRowFromAnomaly(anomaly({ entity: 't-1', values: { fare: 12 } }))!;
    assert.equal(row.fare, 12);
    assert.ok(Number.isNaN(row.distance) && Number.isNaN(row.durationMin));
    assert.equal(row.pickupCell, '');
  });

  it('is null for a non-fare anomaly or one without a fare', () => {
    assert.equal(fareRowFromAnomaly(anomaly({ detector: 'trip-demand@1' })), null);
    assert.equal(fareRowFromAnomaly(anomaly({ values: { trip_distance: 3 } })), null);
  });
});

describe('mergeFareRows', () => {
  it('lists newest first, one row per trip, capped', () => {
    const rows = mergeFareRows([api('a', 1), api('b', 3)], [api('c', 2), api('d', 5)], 3);
    assert.deepEqual(rows.map((r) => r.tripId), ['d', 'b', 'c']);
  });

  it('lets the later copy of a trip win, except that a live copy never replaces the API row', () => {
    const start = mergeFareRows([], [live('a', 1, { expectedFare: null })]);
    const completed = mergeFareRows(start, [api('a', 1)]);
    assert.equal(completed[0]!.expectedFare, 22.5);
    assert.equal(completed[0]!.source, 'api');
    assert.equal(mergeFareRows(completed, [live('a', 1, { fare: 1 })]), completed, 'unchanged, same array');
    assert.equal(mergeFareRows(completed, [api('a', 1, { score: 99 })])[0]!.score, 99);
  });

  it('deduplicates within one batch and orders ties by trip id', () => {
    const rows = mergeFareRows([], [api('b', 1), api('a', 1), api('b', 1, { score: 70 })]);
    assert.deepEqual(rows.map((r) => `${r.tripId}:${r.score}`), ['a:90', 'b:70']);
  });

  it('returns the same array when given nothing', () => {
    const rows = [api('a', 1)];
    assert.equal(mergeFareRows(rows, []), rows);
  });
});

describe('hasLiveOnlyRows', () => {
  it('is true while a row has not been confirmed by the API', () => {
    assert.equal(hasLiveOnlyRows([api('a', 1)]), false);
    assert.equal(hasLiveOnlyRows([api('a', 1), live('b', 1)]), true);
  });
});
