import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subheadingOf, TradeDeclaration, TRADE_ANOMALY_KINDS } from '../../../contracts/index.ts';
import { createTradeSimulation, type TradeSimulationOptions } from './trade-simulation.ts';

const START = Date.UTC(2026, 9, 1);
const DAY = 86_400_000;
const take = (opts: Partial<TradeSimulationOptions>, days: number) => {
  const sim = createTradeSimulation({ seed: 7, startTs: START, companies: 400, anomalyRate: 0.02, episodesPerDay: 6, ...opts });
  const out: TradeDeclaration[] = [];
  for (const d of sim.declarations()) {
    if (d.ts >= START + days * DAY) break;
    out.push(d);
  }
  return { sim, out };
};

test('declarations are valid, in event-time order, unique and reproducible from the seed', () => {
  const { out } = take({}, 10);
  assert.ok(out.length > 1_000, String(out.length));
  for (const d of out) TradeDeclaration.parse(d);
  for (let i = 1; i < out.length; i++) assert.ok(out[i]!.ts >= out[i - 1]!.ts);
  assert.equal(new Set(out.map((d) => d.id)).size, out.length);
  assert.deepEqual(take({}, 10).out, out);
  assert.notDeepEqual(take({ seed: 8 }, 10).out.slice(0, 50), out.slice(0, 50));
});

test('company sizes are heavy-tailed and each company keeps to a few subheadings, ports and destinations', () => {
  const { out, sim } = take({ anomalyRate: 0, episodesPerDay: 0 }, 20);
  const perCompany = new Map<string, TradeDeclaration[]>();
  for (const d of out) perCompany.set(d.exporter_id, [...(perCompany.get(d.exporter_id) ?? []), d]);
  const counts = [...perCompany.values()].map((x) => x.length).sort((a, b) => b - a);
  const top10 = counts.slice(0, Math.ceil(counts.length / 10)).reduce((a, b) => a + b, 0);
  assert.ok(top10 / out.length > 0.4, `the top 10 % of companies file ${((100 * top10) / out.length).toFixed(0)} %`);
  for (const ds of perCompany.values()) {
    assert.ok(new Set(ds.map((d) => subheadingOf(d.hs_code))).size <= 4);
    assert.ok(new Set(ds.map((d) => d.port)).size <= 8);
    assert.ok(new Set(ds.map((d) => d.destination)).size <= 6);
  }
  assert.equal(sim.companies.length, 400);
  assert.ok(out.every((d) => !d.truth), 'no labels without anomalies');
  // Weekends are quieter than weekdays.
  const byWeekday = new Array(7).fill(0);
  for (const d of out) byWeekday[new Date(d.ts).getUTCDay()]++;
  assert.ok(byWeekday[0] < byWeekday[3] / 3);
});

test('the anomaly overlay labels every kind and leaves the normal traffic as it was', () => {
  const clean = take({ anomalyRate: 0, episodesPerDay: 0 }, 40).out;
  const { out } = take({ anomalyRate: 0.02, episodesPerDay: 4 }, 40);
  const kinds = new Set(out.filter((d) => d.truth).map((d) => d.truth!.kind));
  assert.deepEqual([...kinds].sort(), [...TRADE_ANOMALY_KINDS].sort());
  // Unlabelled declarations of the anomalous run are declarations of the clean run (same values).
  const cleanKey = new Set(clean.map((d) => `${d.exporter_id}|${d.ts}|${d.fob_usd}`));
  const normal = out.filter((d) => !d.truth);
  const kept = normal.filter((d) => cleanKey.has(`${d.exporter_id}|${d.ts}|${d.fob_usd}`)).length;
  assert.ok(kept / normal.length > 0.97, `${kept}/${normal.length}`);
  // Controlled substances carry a licence; over-quota ones go past it.
  for (const d of out.filter((x) => x.controlled)) assert.ok(d.licence && d.quota_kg);
  const under = out.filter((d) => d.truth?.kind === 'under_invoicing');
  assert.ok(under.length > 0);
});
