import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cellToChildren, cellToParent, gridDisk, latLngToCell } from 'h3-js';
import { alertCouldSee, cellsOverlap, demandEvidence, evaluateTripAccuracy, type AccuracyInput } from './trip-accuracy.ts';

const DAY = 86_400_000;
const MIN = 60_000;
const T0 = Date.UTC(2025, 2, 10, 4);
const centre = latLngToCell(40.7505, -73.9934, 9);
const disk = gridDisk(centre, 1);
const far = latLngToCell(40.6441, -73.7822, 9);

const base = (over: Partial<AccuracyInput>): AccuracyInput => ({ fromTs: T0, untilTs: T0 + 2 * DAY, truths: [], flagged: [], episodes: [], alerts: [], ...over });

test('cell overlap across resolutions: same cell, parents, children; not a far cell', () => {
  assert.ok(cellsOverlap(centre, disk));
  assert.ok(cellsOverlap(cellToParent(centre, 7), disk));
  assert.ok(cellsOverlap(cellToParent(disk[3]!, 8), disk));
  assert.ok(cellsOverlap(cellToChildren(centre, 10)[0]!, disk));
  assert.ok(!cellsOverlap(far, disk));
  assert.ok(!cellsOverlap(cellToParent(far, 7), disk));
});

test('trip-level: TP, FP (normal and wrong kind), FN; wrong kind counts against the named kind and misses the true one', () => {
  const r = evaluateTripAccuracy(
    base({
      truths: [
        { id: 'o1', ts: T0 + 10, kind: 'overcharge' },
        { id: 'o2', ts: T0 + 20, kind: 'overcharge' },
        { id: 'd1', ts: T0 + 30, kind: 'detour' },
        { id: 's1', ts: T0 + 40, kind: 'surge' },
      ],
      flagged: [
        { id: 'o1', ts: T0 + 10, kind: 'overcharge', score: 90 },
        { id: 'd1', ts: T0 + 30, kind: 'impossible', score: 80 },
        { id: 'n1', ts: T0 + 50, kind: 'overcharge', score: 75 },
        { id: 's1', ts: T0 + 40, kind: 'detour', score: 71 },
      ],
    }),
  );
  assert.deepEqual([r.kinds.overcharge.tp, r.kinds.overcharge.fp, r.kinds.overcharge.fn], [1, 1, 1]);
  assert.equal(r.kinds.overcharge.precision, 0.5);
  assert.equal(r.kinds.overcharge.recall, 0.5);
  assert.equal(r.kinds.overcharge.f1, 0.5);
  assert.deepEqual([r.kinds.impossible.tp, r.kinds.impossible.fp, r.kinds.impossible.fn], [0, 1, 0]);
  assert.equal(r.kinds.impossible.recall, null, 'no truths: recall undefined');
  assert.deepEqual([r.kinds.detour.tp, r.kinds.detour.fp, r.kinds.detour.fn], [0, 1, 1]);
  assert.equal(r.kinds.overcharge.medianDelayMs, 0, 'trip-level delay is 0 by construction');
  assert.equal(r.falseAlarms.trips, 2, 'the normal trip and the surge trip');
  assert.equal(r.falseAlarms.misattributedTrips, 1);
  assert.equal(r.falseAlarms.tripsPerDay, 1);
});

test('demand: hits across resolutions and cells, direction, timing window with grace, delays, false alarms', () => {
  const start = T0 + DAY / 2;
  const ep = { faultId: 'e1', kind: 'surge' as const, cells: disk, startTs: start, endTs: start + 60 * MIN };
  const ep2 = { faultId: 'e2', kind: 'collapse' as const, cells: [far], startTs: start, endTs: start + 90 * MIN };
  const r = evaluateTripAccuracy(
    base({
      episodes: [ep, ep2],
      alerts: [
        { resolution: 9, cell: centre, direction: 'surge', start: start + 20 * MIN, emittedTs: start + 50 * MIN },
        { resolution: 7, cell: cellToParent(centre, 7), direction: 'surge', start: start + 10 * MIN, emittedTs: start + 40 * MIN },
        { resolution: 8, cell: cellToParent(centre, 8), direction: 'surge', start: start + 110 * MIN }, // within 60 min grace
        { resolution: 9, cell: centre, direction: 'surge', start: start + 130 * MIN }, // after grace: false
        { resolution: 9, cell: centre, direction: 'surge', start: start - 5 * MIN }, // before start: false
        { resolution: 9, cell: centre, direction: 'collapse', start: start + 5 * MIN }, // wrong direction: false
        { resolution: 9, cell: far, direction: 'surge', start: start + 5 * MIN }, // wrong place: false
      ],
    }),
  );
  const s = r.kinds.surge;
  assert.deepEqual([s.truths, s.predictions, s.tp, s.fp, s.fn], [1, 6, 3, 3, 0]);
  assert.equal(s.recall, 1);
  assert.equal(s.precision, 0.5);
  assert.equal(s.medianDelayMs, 10 * MIN, 'the first matching alert (the res-7 one)');
  assert.equal(s.medianEmitDelayMs, 40 * MIN);
  assert.deepEqual(s.byResolution, { '9': { alerts: 4, matched: 1 }, '7': { alerts: 1, matched: 1 }, '8': { alerts: 1, matched: 1 } });
  const c = r.kinds.collapse;
  assert.deepEqual([c.truths, c.predictions, c.tp, c.fp, c.fn], [1, 1, 0, 1, 1]);
  assert.equal(c.f1, 0);
  assert.deepEqual(c.missed, ['e2']);
  assert.equal(r.falseAlarms.demand, 4);
  assert.equal(r.falseAlarms.perDay, 2);
});

test('the warm-up is excluded: truths, flags, episodes and alerts before fromTs do not count', () => {
  const r = evaluateTripAccuracy({
    fromTs: T0 + DAY,
    untilTs: T0 + 3 * DAY,
    truths: [{ id: 'a', ts: T0 + 5, kind: 'detour' }],
    flagged: [{ id: 'n', ts: T0 + 6, kind: 'detour', score: 99 }],
    episodes: [{ faultId: 'e', kind: 'surge', cells: disk, startTs: T0 + 60 * MIN, endTs: T0 + 120 * MIN }],
    alerts: [{ resolution: 9, cell: far, direction: 'surge', start: T0 + 70 * MIN }],
  });
  assert.equal(r.days, 2);
  assert.deepEqual([r.kinds.detour.truths, r.kinds.detour.predictions, r.kinds.surge.truths, r.kinds.surge.predictions], [0, 0, 0, 0]);
  assert.equal(r.falseAlarms.perDay, 0);
});

test('demand: an episode that begins while an overlapping one of its kind is alerting counts as found (merged); others do not', () => {
  const start = T0 + DAY / 2;
  const ep = (faultId: string, kind: 'surge' | 'collapse', cells: string[], from: number, minutes: number) => ({ faultId, kind, cells, startTs: start + from * MIN, endTs: start + (from + minutes) * MIN });
  const r = evaluateTripAccuracy(
    base({
      episodes: [
        ep('a', 'surge', disk, 0, 45),
        ep('b', 'surge', [centre], 90, 30), // starts 45 min after a ended (within the hour's grace), same cell: one event
        ep('c', 'surge', [centre], 200, 30), // b ended at 120: 200 > 120 + 60, a new event
        ep('d', 'surge', [far], 10, 30), // same time, elsewhere
        ep('e', 'collapse', disk, 90, 30), // same place and time, other kind
      ],
      alerts: [{ resolution: 9, cell: centre, direction: 'surge', start: start + 20 * MIN }],
    }),
  );
  const s = r.kinds.surge;
  assert.deepEqual([s.truths, s.tp, s.fp, s.fn, s.mergedHits], [4, 1, 0, 2, 1]);
  assert.deepEqual(s.missed, ['c', 'd']);
  assert.equal(s.medianDelayMs, 20 * MIN, 'delays only of directly matched episodes');
  assert.deepEqual(r.kinds.collapse.missed, ['e']);
});

test('demand evidence: window and ring parsed from the driver; others are undefined', () => {
  assert.deepEqual(demandEvidence('pickups_90m'), { windowMinutes: 90, ring: false });
  assert.deepEqual(demandEvidence('ring_pickups_120m'), { windowMinutes: 120, ring: true });
  assert.equal(demandEvidence('baseline_ratio'), undefined);
  assert.equal(demandEvidence(undefined), undefined);
});

test('an alert matches where its evidence could see the episode: a long window reaches further, a ring count reaches the neighbours', () => {
  const start = T0 + DAY / 2;
  const ep = { faultId: 'e', kind: 'collapse' as const, cells: [centre], startTs: start, endTs: start + 60 * MIN };
  const neighbour = disk.find((c) => c !== centre)!;
  const grace = 60 * MIN;
  const at = (minutes: number, cell: string, feature?: string) => ({ resolution: 9, cell, direction: 'collapse' as const, start: start + minutes * MIN, evidence: demandEvidence(feature) });
  assert.equal(alertCouldSee(at(150, centre), ep, grace), false, '90 min after the end, a 60-minute count no longer holds it');
  assert.equal(alertCouldSee(at(150, centre, 'pickups_120m'), ep, grace), true, 'a 120-minute count still does');
  assert.equal(alertCouldSee(at(190, centre, 'pickups_120m'), ep, grace), false, '130 min after: not even that');
  assert.equal(alertCouldSee(at(30, neighbour), ep, grace), false, 'a neighbour counting only itself did not see it');
  assert.equal(alertCouldSee(at(30, neighbour, 'ring_pickups_60m'), ep, grace), true, 'its ring count includes the episode cell');
  assert.equal(alertCouldSee(at(30, far, 'ring_pickups_60m'), ep, grace), false, 'a far ring does not');
  assert.equal(alertCouldSee(at(-5, centre, 'pickups_120m'), ep, grace), false, 'before the start: never (causal)');
  const r = evaluateTripAccuracy(base({ episodes: [ep], alerts: [at(150, neighbour, 'ring_pickups_120m'), at(150, neighbour, 'pickups_120m')] }));
  assert.deepEqual([r.kinds.collapse.tp, r.kinds.collapse.fp], [1, 1]);
});

test('an episode cut off by the end of the data is not judged; its alerts still count as true', () => {
  const until = T0 + 2 * DAY;
  const ep = (faultId: string, endsBeforeEnd: number) => ({ faultId, kind: 'surge' as const, cells: [centre], startTs: until - endsBeforeEnd - 30 * MIN, endTs: until - endsBeforeEnd });
  const r = evaluateTripAccuracy({
    fromTs: T0 + DAY,
    untilTs: until,
    truths: [],
    flagged: [],
    episodes: [ep('judged', 60 * MIN), ep('cut', 10 * MIN)],
    alerts: [{ resolution: 9, cell: centre, direction: 'surge', start: until - 5 * MIN }],
  });
  assert.deepEqual([r.kinds.surge.truths, r.kinds.surge.tp, r.kinds.surge.fp, r.kinds.surge.fn], [1, 1, 0, 0]);
});
