// "Top anomalous companies now": the companies whose declarations scored highest over the last
// `windowMs` of event time. The HTTP answer sets it; then every micro-batch's top companies
// (room trade:companies) updates it, and companies whose newest
// declaration fell out of the window leave. A company's max score is its highest since it
// entered the list, so it holds a little longer than an exact sliding maximum would.
import type { LiveTopCompanies, TradeCompanyRank, TradeTopCompanies } from '../../../../contracts/index.ts';

export interface TopCompaniesState {
  /** Event time the window ends at (the newest declaration seen), null before any. */
  until: number | null;
  companies: ReadonlyMap<string, TradeCompanyRank>;
}

export const EMPTY_TOP_COMPANIES: TopCompaniesState = { until: null, companies: new Map() };
/** Companies held beyond those shown, so a shown one that leaves is replaced. */
const HELD = 200;

export function fromApi(top: TradeTopCompanies): TopCompaniesState {
  return { until: top.until, companies: new Map(top.companies.map((c) => [c.exporterId, c])) };
}

export function applyLiveTop(state: TopCompaniesState, live: LiveTopCompanies, windowMs: number): TopCompaniesState {
  const companies = new Map(state.companies);
  for (const c of live.companies) {
    const held = companies.get(c.exporterId);
    const group = c.topFeature.split('.')[0] ?? '';
    if (!held) {
      companies.set(c.exporterId, { exporterId: c.exporterId, exporterName: c.exporterName, maxScore: c.maxScore, anomalies: c.anomalies ?? 0, declarations: c.declarations, fobUsd: c.fobUsd, topGroup: group, lastTs: live.until });
    } else {
      const higher = c.maxScore > held.maxScore;
      companies.set(c.exporterId, {
        ...held,
        exporterName: held.exporterName || c.exporterName,
        maxScore: higher ? c.maxScore : held.maxScore,
        topGroup: higher ? group : held.topGroup,
        declarations: held.declarations + c.declarations,
        anomalies: held.anomalies + (c.anomalies ?? 0),
        fobUsd: held.fobUsd + c.fobUsd,
        lastTs: Math.max(held.lastTs, live.until),
      });
    }
  }
  return prune({ until: Math.max(state.until ?? live.until, live.until), companies }, windowMs);
}

function prune(state: TopCompaniesState, windowMs: number): TopCompaniesState {
  const from = (state.until ?? 0) - windowMs;
  const kept = rankCompanies(state).filter((c) => c.lastTs >= from).slice(0, HELD);
  return { until: state.until, companies: new Map(kept.map((c) => [c.exporterId, c])) };
}

/** Highest score first, then more anomalies, then more FOB. */
export function rankCompanies(state: TopCompaniesState, limit = Infinity): TradeCompanyRank[] {
  return [...state.companies.values()].sort((a, b) => b.maxScore - a.maxScore || b.anomalies - a.anomalies || b.fobUsd - a.fobUsd).slice(0, limit);
}
