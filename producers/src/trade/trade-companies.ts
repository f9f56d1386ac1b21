// The simulated exporters: heavy-tailed sizes (a Pareto rate of declarations per day, as in
// real customs data where a few hundred firms file most declarations), each trading a few
// subheadings through a few ports to a few destinations, with its own price level and lot
// size, and — for chemical precursors — a licence with a yearly quota in the register.
import { DESTINATIONS, PORTS, ROAD_DESTINATIONS, SUBHEADINGS, type PortSpec, type SubheadingSpec } from './trade-catalogue.ts';
import { marketShares } from './trade-markets.ts';
import type { TradeRng } from './trade-rng.ts';

export interface Licence {
  id: string;
  /** Yearly quota, kg. */
  quotaKg: number;
}

export interface Company {
  id: string;
  name: string;
  /** Expected declarations per working day. */
  rate: number;
  subheadings: readonly SubheadingSpec[];
  subheadingWeights: readonly number[];
  ports: readonly PortSpec[];
  destinations: readonly string[];
  /** The company's preference among its destinations (a declaration's also weighs its goods' market share there). */
  destinationWeights: readonly number[];
  /** National digits after the subheading ('' = a 6-digit code). */
  nationalSuffix: string;
  priceFactor: number;
  lotFactor: number;
  /** subheading code → licence, for controlled subheadings. */
  licences: ReadonlyMap<string, Licence>;
}

/** Pareto shape of company sizes (mean rate = RATE_MIN · α / (α − 1)). */
const PARETO_ALPHA = 1.2;
const RATE_MIN = 0.15;
const RATE_MAX = 60;
const NAME_HEAD = ['Comercializadora', 'Exportadora', 'Industrias', 'Agroindustrial', 'Flores', 'Café', 'Químicos', 'Inversiones', 'Grupo', 'Distribuidora'];
const NAME_CORE = ['Andina', 'del Pacífico', 'La Sabana', 'El Dorado', 'Caribe', 'Santander', 'Antioquia', 'del Valle', 'Los Nevados', 'Sierra Nevada', 'Magdalena', 'Orinoco', 'Boyacá', 'Quindío'];
const NAME_TAIL = ['SAS', 'S.A.', 'Ltda'];
const SUFFIXES = ['', '0000', '9000', '1000', '9090'];

export function createCompanies(rng: TradeRng, count: number, ids: Set<string>): Company[] {
  return Array.from({ length: count }, () => createCompany(rng, ids, 'established'));
}

/** A company; a `newcomer` (the new-company anomaly) files as much as a large one from day one. */
export function createCompany(rng: TradeRng, ids: Set<string>, kind: 'established' | 'newcomer'): Company {
  let id: string;
  do id = String(rng.int(800_000_000, 999_999_999));
  while (ids.has(id));
  ids.add(id);
  const rate = kind === 'newcomer' ? 0 : Math.min(RATE_MAX, RATE_MIN * Math.pow(1 - rng.next(), -1 / PARETO_ALPHA));
  // Larger companies trade a little more widely.
  const breadth = 1 + Math.min(3, Math.floor(Math.log2(1 + rate)));
  const subs = new Set<SubheadingSpec>();
  const weights = SUBHEADINGS.map((s) => s.weight);
  const nSubs = Math.min(4, rng.int(1, breadth + 1));
  while (subs.size < nSubs) subs.add(SUBHEADINGS[rng.weighted(weights)]!);
  const subheadings = [...subs];
  const ports = new Set<PortSpec>();
  for (const s of subheadings) {
    const fits = PORTS.filter((p) => p.modes.some((m) => s.modes.includes(m)));
    // Road ports are a side route: most companies ship by sea or air.
    const preferred = fits.filter((p) => !p.modes.includes('road'));
    ports.add(rng.pick(preferred.length && rng.next() < 0.85 ? preferred : fits));
    if (rng.next() < 0.3 + 0.1 * breadth) ports.add(rng.pick(fits));
  }
  // Its markets are where its goods go (trade-markets.ts): the mean of its subheadings' profiles.
  const dests = new Set<string>();
  const dw = DESTINATIONS.map((_, i) => subheadings.reduce((w, s) => w + marketShares(s.code)[i]!, 0));
  const nDest = Math.min(5, rng.int(1, breadth + 2));
  while (dests.size < nDest) dests.add(DESTINATIONS[rng.weighted(dw)]![0]);
  // A road port needs a neighbour to cross into.
  for (const p of ports) if (ROAD_DESTINATIONS[p.code] && !ROAD_DESTINATIONS[p.code]!.some((d) => dests.has(d))) dests.add(ROAD_DESTINATIONS[p.code]![0]!);
  const destinations = [...dests];
  const licences = new Map<string, Licence>();
  const lotFactor = rng.lognormal(0.4);
  for (const s of subheadings) {
    if (!s.controlled) continue;
    const share = 1 / subheadings.length;
    // The yearly quota leaves room above the expected volume (workdays × rate × lot).
    const expectedKg = 260 * Math.max(rate, 0.2) * share * s.lotKg * lotFactor;
    licences.set(s.code, { id: `LIC-${id}-${s.code}`, quotaKg: Math.round(expectedKg * rng.uniform(1.6, 2.4)) });
  }
  return {
    id,
    name: `${rng.pick(NAME_HEAD)} ${rng.pick(NAME_CORE)} ${rng.pick(NAME_TAIL)}`,
    rate,
    subheadings,
    subheadingWeights: subheadings.map(() => rng.uniform(0.5, 2)),
    ports: [...ports],
    destinations,
    // The company's own preference among its markets; each declaration also weighs the goods' market (chooseRoute).
    destinationWeights: destinations.map(() => rng.uniform(0.5, 2)),
    nationalSuffix: rng.pick(SUFFIXES),
    priceFactor: rng.lognormal(0.06),
    lotFactor,
    licences,
  };
}
