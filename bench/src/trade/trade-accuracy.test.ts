import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateTradeAccuracy, f1Of, formatTradeReport, quantile, type FlaggedDeclaration, type TruthDeclaration } from './trade-accuracy.ts';

const DAY = 86_400_000;
const MIN = 60_000;
const from = 10 * DAY;
const until = 12 * DAY;

const truth = (id: string, ts: number, kind: TruthDeclaration['kind'], faultId: string, entity = 'E1'): TruthDeclaration => ({ id, ts, kind, faultId, entity });
const flag = (id: string, ts: number, group: string, severity: FlaggedDeclaration['severity'] = 'minor', entity = 'E9'): FlaggedDeclaration => ({ id, ts, group, severity, entity });

test('an episode is found by any flagged declaration; the delay runs from its first declaration to the first flag', () => {
  const truths = [truth('b1', from + 60 * MIN, 'burst', 'burst-1'), truth('b2', from + 70 * MIN, 'burst', 'burst-1'), truth('b3', from + 90 * MIN, 'burst', 'burst-1'), truth('b4', from + 3 * DAY / 4, 'burst', 'burst-2')];
  const r = evaluateTradeAccuracy({ fromTs: from, untilTs: until, truths, flagged: [flag('b3', from + 90 * MIN, 'company'), flag('b2', from + 70 * MIN, 'volume')] });
  const b = r.kinds.burst;
  assert.equal(b.incidents, 2);
  assert.equal(b.tp, 1);
  assert.equal(b.fn, 1);
  assert.equal(b.recall, 0.5);
  assert.equal(b.precision, 1);
  assert.equal(b.medianDelayMs, 10 * MIN);
  // The first flag (b2) named volume, not company: no explanation hit.
  assert.equal(b.explanationHits, 0);
  assert.equal(b.explanationHitRate, 0);
  assert.equal(b.declarations, 4);
  assert.equal(b.declarationsFlagged, 2);
  assert.equal(r.falseAlarms.count, 0);
});

test('false alarms count against the kinds their group names, shared; unnamed groups against all kinds', () => {
  const truths = [truth('u1', from + DAY, 'under_invoicing', 'under_invoicing-1'), truth('p1', from + DAY, 'new_port', 'new_port-2')];
  const flagged = [flag('u1', from + DAY, 'price'), flag('p1', from + DAY, 'route'), flag('x1', from + 2 * 60 * MIN, 'price'), flag('x2', from + 3 * 60 * MIN, 'price'), flag('x3', from + 4 * 60 * MIN, 'price'), flag('x4', from + 5 * 60 * MIN, 'volume')];
  const r = evaluateTradeAccuracy({ fromTs: from, untilTs: until, truths, flagged });
  // Three price false alarms among under/over-invoicing and misclassification: one each; the volume one among all twelve kinds.
  assert.equal(r.kinds.under_invoicing.fp, Number((1 + 1 / 12).toFixed(3)));
  assert.equal(r.kinds.new_port.fp, Number((1 / 12).toFixed(3)));
  const fpSum = Object.values(r.kinds).reduce((s, k) => s + k.fp, 0);
  assert.ok(Math.abs(fpSum - 4) < 1e-2);
  assert.ok(Math.abs(r.kinds.under_invoicing.precision! - 1 / (2 + 1 / 12)) < 1e-3);
  assert.equal(r.kinds.under_invoicing.explanationHitRate, 1);
  assert.equal(r.falseAlarms.count, 4);
  assert.equal(r.falseAlarms.perDay, 2);
  assert.deepEqual(r.falseAlarms.byGroup, { price: 3, volume: 1 });
  assert.equal(r.overall.flagged, 6);
});

test('the warm-up and the minimum severity are excluded; kinds without incidents have no recall', () => {
  const truths = [truth('w1', from - DAY, 'over_invoicing', 'over_invoicing-1'), truth('o1', from + DAY, 'over_invoicing', 'over_invoicing-2')];
  const flagged = [flag('w1', from - DAY, 'price', 'critical'), flag('o1', from + DAY, 'price', 'minor'), flag('x1', from - 1, 'price', 'critical')];
  const r = evaluateTradeAccuracy({ fromTs: from, untilTs: until, truths, flagged, minSeverity: 'major' });
  assert.equal(r.kinds.over_invoicing.incidents, 1);
  assert.equal(r.kinds.over_invoicing.tp, 0);
  assert.equal(r.kinds.over_invoicing.recall, 0);
  assert.equal(r.kinds.over_invoicing.precision, null);
  assert.equal(r.kinds.over_invoicing.f1, null);
  assert.equal(r.kinds.burst.recall, null);
  assert.equal(r.falseAlarms.count, 0);
  assert.equal(r.overall.incidents, 1);
  assert.equal(r.overall.minF1, 0);
  assert.match(formatTradeReport(r), /over_invoicing\s+price\s+1\s+0\s+1/);
});

test("a flag on the company's ordinary filing during its burst is an echo, not a false alarm; elsewhere it is one", () => {
  const truths = [truth('b1', from + 60 * MIN, 'burst', 'burst-1', 'E1'), truth('b2', from + 90 * MIN, 'burst', 'burst-1', 'E1')];
  const flagged = [
    flag('b2', from + 90 * MIN, 'company', 'minor', 'E1'),
    // The company's own ordinary filing during the burst, and one within ECHO_MS after it.
    flag('n1', from + 80 * MIN, 'company', 'minor', 'E1'),
    flag('n2', from + 200 * MIN, 'company', 'minor', 'E1'),
    // Too late, another group, another company.
    flag('n3', from + 240 * MIN, 'company', 'minor', 'E1'),
    flag('n4', from + 80 * MIN, 'price', 'minor', 'E1'),
    flag('n5', from + 80 * MIN, 'company', 'minor', 'E2'),
  ];
  const r = evaluateTradeAccuracy({ fromTs: from, untilTs: until, truths, flagged });
  assert.equal(r.falseAlarms.echoes, 2);
  assert.equal(r.falseAlarms.count, 3);
  assert.deepEqual(r.falseAlarms.byGroup, { company: 2, price: 1 });
  assert.equal(r.kinds.burst.tp, 1);
});

test('F1 and quantiles', () => {
  assert.equal(f1Of(1, 0.5), 2 / 3);
  assert.equal(f1Of(0, 0), 0);
  assert.equal(f1Of(null, 1), null);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.9), 4);
  assert.equal(quantile([], 0.5), null);
});
