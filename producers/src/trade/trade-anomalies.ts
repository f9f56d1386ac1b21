// The labelled anomalies the trade producer injects. Point anomalies rewrite one normal
// declaration of an established company; episodes add declarations of their own (a burst,
// structuring, a new company, a controlled substance over its quota or on an unusual route).
// Every declaration of an anomaly carries its ground truth: kind and episode id.
import { MASS_UNIT_KG, type TradeAnomalyKind } from '../../../contracts/index.ts';
import { DESTINATIONS, PORTS, SUBHEADINGS, type SubheadingSpec } from './trade-catalogue.ts';
import type { Company } from './trade-companies.ts';
import { draftDeclaration, grossOf, modeOf, quantityOf, type DeclarationDraft } from './trade-draft.ts';
import type { TradeRng } from './trade-rng.ts';

export const POINT_KINDS = ['under_invoicing', 'over_invoicing', 'weight_inconsistency', 'new_subheading', 'new_port', 'new_destination', 'misclassification'] as const satisfies readonly TradeAnomalyKind[];
export const EPISODE_KINDS = ['burst', 'structuring', 'new_company', 'quota_exceeded', 'unusual_route'] as const satisfies readonly TradeAnomalyKind[];
export type PointKind = (typeof POINT_KINDS)[number];

/** Declarations just under this FOB value, USD, are "structured" to stay below it. */
export const STRUCTURING_THRESHOLD_USD = 10_000;

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const specOf = (d: DeclarationDraft) => SUBHEADINGS.find((s) => d.hs_code.startsWith(s.code))!;

/** Whether the company ever filed a declaration with this subheading, port or destination (an earlier anomaly included). */
export type FiledBefore = (what: 'subheading' | 'port' | 'destination', value: string) => boolean;

/** Rewrites `d` (a normal declaration of `c`) into a `kind` anomaly; null when it cannot be (then it stays normal). */
export function injectPoint(kind: PointKind, d: DeclarationDraft, c: Company, rng: TradeRng, filed: FiledBefore): DeclarationDraft | null {
  const sub = specOf(d);
  switch (kind) {
    case 'under_invoicing':
      return { ...d, fob_usd: round(d.fob_usd * rng.uniform(0.06, 0.2), 2) };
    case 'over_invoicing':
      return { ...d, fob_usd: round(d.fob_usd * rng.uniform(5, 15), 2) };
    case 'weight_inconsistency': {
      if (MASS_UNIT_KG[d.unit] !== undefined) return rng.next() < 0.5 ? { ...d, quantity: round(d.quantity * rng.uniform(2, 5), 3) } : { ...d, gross_kg: round(d.net_kg * rng.uniform(3.5, 6), 3) };
      // Articles that weigh five to ten times what this goods weighs per unit.
      return { ...d, quantity: Math.max(1, Math.round(d.quantity * rng.uniform(0.1, 0.2))) };
    }
    case 'new_subheading': {
      const own = new Set(c.subheadings.map((s) => s.code));
      const others = SUBHEADINGS.filter((s) => !own.has(s.code) && !filed('subheading', s.code) && !s.controlled && s.modes.some((m) => PORTS.find((p) => p.code === d.port)!.modes.includes(m)));
      if (!others.length) return null;
      const s = rng.pick(others);
      const port = PORTS.find((p) => p.code === d.port)!;
      const netKg = Math.max(0.01, round(s.lotKg * rng.lognormal(0.35), 3));
      const uv = s.uvUsdPerKg * rng.lognormal(s.sigma);
      const mode = modeOf(port, s);
      return { ...d, hs_code: s.code + c.nationalSuffix, transport_mode: mode, net_kg: netKg, gross_kg: grossOf(s, mode, netKg, rng), quantity: quantityOf(s, netKg, rng), unit: s.unit, fob_usd: round(netKg * uv, 2) };
    }
    case 'new_port': {
      const own = new Set(c.ports.map((p) => p.code));
      const others = PORTS.filter((p) => !own.has(p.code) && !filed('port', p.code) && p.modes.some((m) => sub.modes.includes(m)) && !p.modes.includes('road'));
      if (!others.length) return null;
      const port = rng.pick(others);
      return { ...d, port: port.code, transport_mode: modeOf(port, sub) };
    }
    case 'new_destination': {
      const others = DESTINATIONS.map(([code]) => code).filter((x) => !c.destinations.includes(x) && !filed('destination', x));
      return others.length ? { ...d, destination: rng.pick(others) } : null;
    }
    case 'misclassification': {
      // The declared code stays; the value per kg is that of goods from another chapter, 10 to
      // 1 000 times apart (a bulk cargo of coal at the price of gold is a typo, not a scheme).
      if (d.net_kg > 100_000) return null;
      const far = SUBHEADINGS.filter((s) => s.code.slice(0, 2) !== sub.code.slice(0, 2) && Math.abs(Math.log10(s.uvUsdPerKg / sub.uvUsdPerKg)) >= 1 && Math.abs(Math.log10(s.uvUsdPerKg / sub.uvUsdPerKg)) <= 3);
      if (!far.length) return null;
      const other = rng.pick(far);
      return { ...d, fob_usd: round(d.net_kg * other.uvUsdPerKg * rng.lognormal(other.sigma), 2) };
    }
  }
}

/** A burst: 15–30 ordinary declarations of an established company within two hours. */
export function burstEpisode(c: Company, startTs: number, rng: TradeRng): DeclarationDraft[] {
  const n = rng.int(15, 31);
  return Array.from({ length: n }, () => draftDeclaration(c, Math.floor(startTs + rng.uniform(0, 2 * 3_600_000)), rng));
}

/** Structuring: 6–12 declarations in a day, each just under the reporting threshold, at the goods' usual unit value. */
export function structuringEpisode(c: Company, startTs: number, rng: TradeRng): DeclarationDraft[] {
  const n = rng.int(6, 13);
  return Array.from({ length: n }, () => {
    const d = draftDeclaration(c, Math.floor(startTs + rng.uniform(0, 10 * 3_600_000)), rng);
    const sub = specOf(d);
    const fob = round(STRUCTURING_THRESHOLD_USD * rng.uniform(0.9, 0.999), 2);
    const netKg = Math.max(0.01, round((d.net_kg * fob) / Math.max(d.fob_usd, 0.01), 3));
    return { ...d, fob_usd: fob, net_kg: netKg, gross_kg: grossOf(sub, d.transport_mode, netKg, rng), quantity: quantityOf(sub, netKg, rng) };
  });
}

/** A new company filing 15–30 large declarations on its first day. */
export function newCompanyEpisode(c: Company, startTs: number, rng: TradeRng): DeclarationDraft[] {
  const n = rng.int(15, 31);
  return Array.from({ length: n }, () => {
    const d = draftDeclaration(c, Math.floor(startTs + rng.uniform(0, 10 * 3_600_000)), rng);
    const sub = specOf(d);
    const k = rng.uniform(5, 15);
    const netKg = round(d.net_kg * k, 3);
    return { ...d, fob_usd: round(d.fob_usd * k, 2), net_kg: netKg, gross_kg: grossOf(sub, d.transport_mode, netKg, rng), quantity: quantityOf(sub, netKg, rng) };
  });
}

/** One controlled declaration that takes the licence past its yearly quota (given what it used this year). */
export function overQuota(d: DeclarationDraft, usedKg: number, rng: TradeRng): DeclarationDraft {
  const sub = specOf(d);
  const netKg = round(Math.max(0, d.quota_kg! - usedKg) + d.quota_kg! * rng.uniform(0.1, 0.3), 3);
  const uv = d.fob_usd / d.net_kg;
  return { ...d, net_kg: netKg, gross_kg: grossOf(sub, d.transport_mode, netKg, rng), quantity: quantityOf(sub, netKg, rng), fob_usd: round(netKg * uv, 2) };
}

/** A controlled substance leaving by a border crossing or a country the company never used. */
export function unusualRoute(d: DeclarationDraft, c: Company, rng: TradeRng, filed: FiledBefore): DeclarationDraft | null {
  const sub = specOf(d);
  const border = [
    { port: 'COCUC', destination: 'VE' },
    { port: 'COIPI', destination: 'EC' },
  ].filter((r) => !filed('port', r.port) && !filed('destination', r.destination));
  if (border.length && sub.modes.includes('road')) {
    const r = rng.pick(border);
    return { ...d, port: r.port, destination: r.destination, transport_mode: 'road' };
  }
  const dests = DESTINATIONS.map(([x]) => x).filter((x) => !c.destinations.includes(x) && !filed('destination', x));
  return dests.length ? { ...d, destination: rng.pick(dests) } : null;
}
