import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRIP_REGION, tripSubject } from './trip-subject.ts';

test('one city, one subject and partition: events.trip.<partition of nyc>.nyc', () => {
  assert.equal(TRIP_REGION, 'nyc');
  // Golden values: changing them would split the city's log between two processors.
  assert.equal(tripSubject(4), 'events.trip.1.nyc');
  assert.equal(tripSubject(1), 'events.trip.0.nyc');
});
