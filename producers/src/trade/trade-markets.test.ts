import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subheadingOf, type TradeDeclaration } from '../../../contracts/index.ts';
import { SUBHEADINGS } from './trade-catalogue.ts';
import { marketShare, marketShares } from './trade-markets.ts';
import { createTradeSimulation } from './trade-simulation.ts';

test('every subheading has a market profile of known countries, shares summing to 1, golden', () => {
  for (const s of SUBHEADINGS) {
    const shares = marketShares(s.code);
    assert.ok(Math.abs(shares.reduce((a, b) => a + b, 0) - 1) < 1e-12, s.code);
    assert.ok(shares.filter((x) => x > 0).length >= 7, `${s.code} sells to at least seven countries`);
  }
  assert.equal(marketShare('060311', 'US'), 75 / 95);
  assert.equal(marketShare('060311', 'EC'), 0);
  assert.equal(marketShare('080390', 'BE'), 25 / 95);
});

test('declarations go where their goods go: the destination depends on the subheading', () => {
  const sim = createTradeSimulation({ seed: 3, startTs: Date.UTC(2026, 0, 5), companies: 600, anomalyRate: 0, episodesPerDay: 0 });
  const out: TradeDeclaration[] = [];
  for (const d of sim.declarations()) {
    if (d.ts >= Date.UTC(2026, 0, 19)) break;
    out.push(d);
  }
  // Off-market shipments (a company's other market for these goods) stay a small minority.
  const onMarket = out.filter((d) => marketShare(subheadingOf(d.hs_code), d.destination) > 0).length;
  assert.ok(onMarket / out.length > 0.9, `${onMarket}/${out.length} to one of the goods' markets`);
  const flowers = out.filter((d) => subheadingOf(d.hs_code) === '060311');
  assert.ok(flowers.filter((d) => d.destination === 'US').length / flowers.length > 0.5, 'most roses go to the US');
});
