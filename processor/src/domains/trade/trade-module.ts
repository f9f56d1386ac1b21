import { LiveTopCompanies, TRADE_SOCKET_EVENTS, TradeDeclaration, type LiveCompanyScore, type LiveDeclaration } from '../../../../contracts/index.ts';
import { TABLES } from '../../../../store/src/rows.ts';
import type { DomainModule } from '../domain-module.ts';
import type { LiveFeed } from '../../ports/sinks.ts';
import { TRADE, type TradeModelOutputs, type TradeRecords, type TradeStage } from './trade-batch.ts';
import { TRADE_FEATURE_SET } from './trade-features.ts';
import { TRADE_MIGRATIONS, TRADE_TABLES } from './trade-tables.ts';
import { filterTradeRecordsToRange } from './filter-trade-records.ts';
import { createTradeRoutes } from './trade-routes.ts';
import { tradeDeclarationsCompact, tradeScoresCompact } from './trade-compact-rows.ts';

/** The overview's room: the top companies of every micro-batch. */
const COMPANIES_ROOM = `${TRADE}:companies`;
const TOP_COMPANIES = 10;

/** Export declarations: features on the company ↔ subheading ↔ port graph, rules and an online score. */
export const tradeModule: DomainModule<TradeStage, TradeModelOutputs, TradeRecords> = {
  name: TRADE,
  event: TradeDeclaration,
  description: 'export declarations: per-company behaviour and company ↔ HS subheading ↔ port graph features, an autoencoder explained by exact Shapley values over feature groups, quota and weight rules',
  createRuntime: async (opts) => (await import('./trade-runtime.ts')).createTradeRuntime(opts),
  store: {
    writes: [
      { table: TRADE_TABLES.scores, rows: (r) => r.scores, compact: tradeScoresCompact },
      { table: TABLES.anomalies, rows: (r) => r.anomalies },
      { table: TABLES.deadLetters, rows: (r) => r.deadLetters },
      { table: TABLES.features, rows: (r) => r.features, trainingOnly: true },
      { table: TRADE_TABLES.declarations, rows: (r) => r.declarations, compact: tradeDeclarationsCompact },
    ],
    eventsTable: TRADE_TABLES.declarations,
    eventRows: (r) => r.declarations,
    anomalyRows: (r) => r.anomalies,
    migrations: TRADE_MIGRATIONS,
  },
  publishLive: (result, live) => publishTradeLive(result.records, live),
  socketRooms: [
    {
      event: TRADE_SOCKET_EVENTS.watchCompanies,
      prefix: COMPANIES_ROOM,
      roomOf: () => ({ room: COMPANIES_ROOM }),
    },
  ],
  routes: createTradeRoutes,
  replay: {
    filterToRange: (r, from, to) => filterTradeRecordsToRange(r, from, to),
    scoredItemsQuery: (run) =>
      `SELECT 'declaration' AS item, event_id, exporter_id AS entity, ts, score, severity, top_feature FROM ${TRADE_TABLES.scores} FINAL WHERE run_id = '${run}'`,
  },
  features: {
    defaultSet: TRADE_FEATURE_SET,
    // The producer's label, for evaluation only (never for fitting).
    exportJoin: (_set, run) => ({
      join: `LEFT JOIN (SELECT event_id, truth_kind FROM ${TRADE_TABLES.declarations} FINAL WHERE run_id = '${run}') AS e ON e.event_id = f.event_id`,
      columns: ', e.truth_kind AS truth_kind',
    }),
  },
};

/** Each watched company's declarations, and the batch's top companies to the overview room. */
function publishTradeLive(r: TradeRecords, live: LiveFeed): void {
  const byCompany = new Map<string, LiveCompanyScore>();
  for (let i = 0; i < r.declarations.length; i++) {
    const d = r.declarations[i]!;
    const s = r.scores[i]!;
    if (live.isWatched(TRADE, d.exporter_id)) {
      const payload: LiveDeclaration = {
        eventId: d.event_id,
        ts: d.ts,
        exporterId: d.exporter_id,
        subheading: d.subheading,
        port: d.port,
        destination: d.destination,
        fobUsd: d.fob_usd,
        netKg: d.net_kg,
        score: s.score,
        severity: (s.severity || null) as LiveDeclaration['severity'],
        topFeature: s.top_feature,
        ...(Object.keys(s.shapley).length ? { shapley: s.shapley } : {}),
      };
      live.toEntity(TRADE, d.exporter_id, TRADE_SOCKET_EVENTS.declaration, payload);
    }
    const c = byCompany.get(d.exporter_id);
    const anomalous = s.severity ? 1 : 0;
    if (!c) byCompany.set(d.exporter_id, { exporterId: d.exporter_id, exporterName: d.exporter_name, maxScore: s.score, declarations: 1, anomalies: anomalous, fobUsd: d.fob_usd, topFeature: s.top_feature });
    else {
      c.declarations++;
      c.anomalies! += anomalous;
      c.fobUsd += d.fob_usd;
      if (s.score > c.maxScore) {
        c.maxScore = s.score;
        c.topFeature = s.top_feature;
      }
    }
  }
  if (byCompany.size === 0) return;
  const companies = [...byCompany.values()].sort((a, b) => b.maxScore - a.maxScore || b.fobUsd - a.fobUsd).slice(0, TOP_COMPANIES);
  const payload: LiveTopCompanies = { until: r.declarations[r.declarations.length - 1]!.ts, companies };
  live.toRoom(COMPANIES_ROOM, TRADE_SOCKET_EVENTS.topCompanies, LiveTopCompanies.parse(payload));
}
