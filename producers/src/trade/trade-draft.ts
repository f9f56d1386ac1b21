// One normal declaration of a company: a subheading it trades, a port it uses that carries
// that goods, a destination it ships to, a lot size and a unit value with the subheading's
// spread, the company's price level and the destination's (prices differ by market).
import { MASS_UNIT_KG, type TradeDeclaration, type TransportMode } from '../../../contracts/index.ts';
import { PORTS, ROAD_DESTINATIONS, type PortSpec, type SubheadingSpec } from './trade-catalogue.ts';
import type { Company } from './trade-companies.ts';
import { marketShare } from './trade-markets.ts';
import type { TradeRng } from './trade-rng.ts';

/** A declaration before its id is known (ids follow event-time order). */
export type DeclarationDraft = Omit<TradeDeclaration, 'id'>;

/** Price level of a destination market for a subheading: a stable ±8 % (a hash, not the RNG). */
export function destinationPriceFactor(sub: string, dest: string): number {
  let h = 2166136261;
  for (const ch of `${sub}:${dest}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return Math.exp(0.08 * (((h >>> 0) / 0xffffffff) * 2 - 1));
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
/** Market share a company's destination has for goods that are not sold there (it ships them there now and then). */
export const OFF_MARKET_SHARE = 0.005;

export interface DraftChoice {
  sub: SubheadingSpec;
  port: PortSpec;
  destination: string;
}

/** What a company declares next: a subheading, then a port that carries it and a destination that port reaches. */
export function chooseRoute(c: Company, rng: TradeRng): DraftChoice {
  const sub = c.subheadings[rng.weighted(c.subheadingWeights)]!;
  const fits = c.ports.filter((p) => p.modes.some((m) => sub.modes.includes(m)));
  let port = fits.length ? rng.pick(fits) : PORTS.find((p) => p.modes.some((m) => sub.modes.includes(m)))!;
  let dests = c.destinations;
  const road = ROAD_DESTINATIONS[port.code];
  if (road) {
    const reachable = c.destinations.filter((d) => road.includes(d));
    const other = fits.filter((p) => !ROAD_DESTINATIONS[p.code]);
    if (reachable.length) dests = reachable;
    else if (other.length) port = rng.pick(other);
  }
  // Sea and air ports do not take goods to a road-only neighbour's border crossing; any country is
  // reachable. The goods go where their market is (trade-markets.ts); now and then to another of
  // the company's markets.
  const weights = dests.map((d) => c.destinationWeights[c.destinations.indexOf(d)]! * (marketShare(sub.code, d) + OFF_MARKET_SHARE));
  return { sub, port, destination: dests[rng.weighted(weights)]! };
}

export function modeOf(port: PortSpec, sub: SubheadingSpec): TransportMode {
  return port.modes.find((m) => sub.modes.includes(m)) ?? port.modes[0]!;
}

/** Quantity in the subheading's unit for a net weight. */
export function quantityOf(sub: SubheadingSpec, netKg: number, rng: TradeRng): number {
  const massKg = MASS_UNIT_KG[sub.unit];
  if (massKg !== undefined) return round(netKg / massKg, 3);
  return Math.max(1, Math.round((netKg / sub.kgPerUnit!) * rng.lognormal(0.03)));
}

export function grossOf(sub: SubheadingSpec, mode: TransportMode, netKg: number, rng: TradeRng): number {
  const bulk = mode === 'pipeline' || sub.unit === 'TNE';
  return round(netKg * (bulk ? 1 + rng.uniform(0, 0.002) : 1 + rng.uniform(0.02, 0.1)), 3);
}

export function draftDeclaration(c: Company, ts: number, rng: TradeRng, choice: DraftChoice = chooseRoute(c, rng)): DeclarationDraft {
  const { sub, port, destination } = choice;
  const mode = modeOf(port, sub);
  const netKg = Math.max(0.01, round(sub.lotKg * c.lotFactor * rng.lognormal(0.35), 3));
  const uv = sub.uvUsdPerKg * c.priceFactor * destinationPriceFactor(sub.code, destination) * rng.lognormal(sub.sigma);
  const licence = c.licences.get(sub.code);
  return {
    ts,
    exporter_id: c.id,
    exporter_name: c.name,
    hs_code: sub.code + c.nationalSuffix,
    port: port.code,
    destination,
    transport_mode: mode,
    fob_usd: round(netKg * uv, 2),
    net_kg: netKg,
    gross_kg: grossOf(sub, mode, netKg, rng),
    quantity: quantityOf(sub, netKg, rng),
    unit: sub.unit,
    controlled: sub.controlled === true,
    ...(licence ? { licence: licence.id, quota_kg: licence.quotaKg } : {}),
  };
}
