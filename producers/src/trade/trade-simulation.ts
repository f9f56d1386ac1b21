// The trade simulation: day by day, every company files a Poisson number of declarations (its
// rate × the season of what it trades × the weekday) during office hours; then the anomaly
// overlay rewrites a few declarations and adds episodes; then the day is sorted by event time
// and numbered. Deterministic: the same seed and start give the same declarations.
import type { TradeAnomalyKind, TradeDeclaration } from '../../../contracts/index.ts';
import { createCompanies, createCompany, type Company } from './trade-companies.ts';
import { burstEpisode, EPISODE_KINDS, injectPoint, newCompanyEpisode, overQuota, POINT_KINDS, structuringEpisode, unusualRoute } from './trade-anomalies.ts';
import { chooseRoute, draftDeclaration, type DeclarationDraft } from './trade-draft.ts';
import { tradeRng, TradeRngStream, type TradeRng } from './trade-rng.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Declarations a company has filed before it counts as established: a route can be new to it, its rate can burst. */
export const ESTABLISHED_AFTER = 30;
/** Declarations a company has filed before its declarations may be rewritten into price or weight anomalies. */
const KNOWN_AFTER = 3;
/** Declarations a licence holder has filed before its controlled substance may go over quota or off route. */
const CONTROLLED_KNOWN_AFTER = 8;
const NOVELTY_KINDS: readonly string[] = ['new_subheading', 'new_port', 'new_destination'];
/** Working-day share of a weekday's traffic, Sunday first. */
const WEEKDAY = [0.1, 1, 1, 1, 1, 1, 0.4];

export interface TradeSimulationOptions {
  seed: number;
  /** First event time, epoch ms. */
  startTs: number;
  /** Companies at the start. */
  companies: number;
  /** Probability that a declaration of a company with a few filings becomes a point anomaly (price, weight, route, misclassification). */
  anomalyRate: number;
  /** Expected episodes (burst, structuring, new company, over quota, unusual route) per simulated day. */
  episodesPerDay: number;
}

export interface TradeSimulation {
  readonly companies: readonly Company[];
  /** Declarations in event-time order, day after day, from `startTs`; unbounded. */
  declarations(): Generator<TradeDeclaration>;
}

export function createTradeSimulation(opts: TradeSimulationOptions): TradeSimulation {
  const ids = new Set<string>();
  const companies = createCompanies(tradeRng(opts.seed, TradeRngStream.population, 0), opts.companies, ids);
  const filed = new Map<string, number>();
  /** licence → kg declared this year (what the register would show). */
  const used = new Map<string, { year: number; kg: number }>();
  let episodes = 0;
  /** `company|what|value` of every subheading, port and destination a company filed (novelty anomalies pick others). */
  const routes = new Set<string>();
  const filedBefore = (id: string) => (what: string, value: string) => routes.has(`${id}|${what}|${value}`);
  /** `licence:year` → the over-quota episode that exhausted it (later declarations stay over quota). */
  const exhausted = new Map<string, string>();

  function day(index: number): TradeDeclaration[] {
    const dayStart = index * DAY;
    const traffic = tradeRng(opts.seed, TradeRngStream.traffic, index);
    const anomalies = tradeRng(opts.seed, TradeRngStream.anomalies, index);
    const weekday = WEEKDAY[new Date(dayStart).getUTCDay()]!;
    const month = new Date(dayStart).getUTCMonth() + new Date(dayStart).getUTCDate() / 31;
    const drafts: DeclarationDraft[] = [];
    for (const c of companies) {
      if (c.rate === 0) continue;
      const season = c.subheadings.reduce((s, sub) => s + (1 + sub.season * Math.cos((2 * Math.PI * (month - sub.peakMonth)) / 12)), 0) / c.subheadings.length;
      const n = traffic.poisson(c.rate * weekday * season);
      const history = filed.get(c.id) ?? 0;
      const kinds = history >= ESTABLISHED_AFTER ? POINT_KINDS : POINT_KINDS.filter((k) => !NOVELTY_KINDS.includes(k));
      for (let i = 0; i < n; i++) {
        const ts = Math.floor(dayStart + officeHour(traffic));
        const d = draftDeclaration(c, ts, traffic, chooseRoute(c, traffic));
        // The overlay draws from its own stream, so the normal traffic is the same with or without it.
        if (history >= KNOWN_AFTER && anomalies.next() < opts.anomalyRate) {
          const kind = anomalies.pick(kinds);
          const bad = injectPoint(kind, d, c, anomalies, filedBefore(c.id));
          if (bad) {
            drafts.push(labelled(bad, kind, `${kind}-${++episodes}`));
            continue;
          }
        }
        drafts.push(d);
      }
    }
    for (let e = anomalies.poisson(opts.episodesPerDay); e > 0; e--) drafts.push(...episode(anomalies, dayStart));
    drafts.sort((a, b) => a.ts - b.ts);
    const out: TradeDeclaration[] = [];
    for (let d of drafts) {
      filed.set(d.exporter_id, (filed.get(d.exporter_id) ?? 0) + 1);
      routes.add(`${d.exporter_id}|subheading|${d.hs_code.slice(0, 6)}`).add(`${d.exporter_id}|port|${d.port}`).add(`${d.exporter_id}|destination|${d.destination}`);
      if (d.licence !== undefined) {
        const year = new Date(d.ts).getUTCFullYear();
        const u = used.get(d.licence);
        const kg = (u && u.year === year ? u.kg : 0) + d.net_kg;
        used.set(d.licence, { year, kg });
        // Past its quota, every further declaration under the licence is over quota too: so labelled.
        const key = `${d.licence}:${year}`;
        if (kg > d.quota_kg!) {
          if (d.truth?.kind === 'quota_exceeded') exhausted.set(key, d.truth.faultId);
          else if (!d.truth) d = labelled(d, 'quota_exceeded', exhausted.get(key) ?? `quota_exceeded-${key}`);
        }
      }
      if (d.ts >= opts.startTs) out.push({ id: `TD${opts.seed}-${index}-${out.length}`, ...d });
    }
    return out;
  }

  function episode(rng: TradeRng, dayStart: number): DeclarationDraft[] {
    const kind = rng.pick(EPISODE_KINDS);
    const id = `${kind}-${++episodes}`;
    const start = dayStart + 8 * HOUR + rng.uniform(0, 6 * HOUR);
    const established = companies.filter((c) => c.rate > 0 && (filed.get(c.id) ?? 0) >= ESTABLISHED_AFTER);
    // Few precursor traders file 30 declarations soon: a licence holder with some history will do.
    const controlled = companies.filter((c) => c.licences.size > 0 && (filed.get(c.id) ?? 0) >= CONTROLLED_KNOWN_AFTER);
    let drafts: DeclarationDraft[] = [];
    if (kind === 'new_company') {
      const c = createCompany(rng, ids, 'newcomer');
      drafts = newCompanyEpisode(c, start, rng);
    } else if (kind === 'burst' || kind === 'structuring') {
      if (!established.length) return [];
      const c = rng.pick(established);
      drafts = kind === 'burst' ? burstEpisode(c, start, rng) : structuringEpisode(c, start, rng);
    } else {
      if (!controlled.length) return [];
      const c = rng.pick(controlled);
      const [code] = rng.pick([...c.licences]);
      const sub = c.subheadings.find((s) => s.code === code)!;
      const normal = draftDeclaration(c, Math.floor(start), rng, { ...chooseRoute(c, rng), sub, ...routeFor(c, sub, rng) });
      if (kind === 'quota_exceeded') {
        const u = used.get(normal.licence!);
        const year = new Date(normal.ts).getUTCFullYear();
        drafts = [overQuota(normal, u && u.year === year ? u.kg : 0, rng)];
      } else {
        const off = unusualRoute(normal, c, rng, filedBefore(c.id));
        if (!off) return [];
        drafts = [off];
      }
    }
    return drafts.map((d) => labelled(d, kind, id));
  }

  return {
    companies,
    *declarations() {
      for (let index = Math.floor(opts.startTs / DAY); ; index++) yield* day(index);
    },
  };
}

/** A port of the company that carries `sub`, and one of its destinations (the normal route of a controlled substance). */
function routeFor(c: Company, sub: Company['subheadings'][number], rng: TradeRng) {
  const fits = c.ports.filter((p) => p.modes.some((m) => sub.modes.includes(m)));
  return { port: rng.pick(fits.length ? fits : c.ports), destination: rng.pick(c.destinations) };
}

/** Office hours, 07:00–19:00 UTC-ish, busiest mid-morning. */
function officeHour(rng: TradeRng): number {
  const h = Math.min(19, Math.max(7, 11 + 2.5 * rng.gaussian()));
  return h * HOUR + rng.uniform(0, 60_000);
}

function labelled(d: DeclarationDraft, kind: TradeAnomalyKind, faultId: string): DeclarationDraft {
  return { ...d, truth: { kind, faultId } };
}
