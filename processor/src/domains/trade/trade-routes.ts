import { Hono } from 'hono';
import type { ClickHouseClient } from '@clickhouse/client';
import type { AnomalyDriver, Attribution, Severity, TradeAnomalyItem, TradeCompanyRank, TradeGraph, TradeGraphFocus, TradeTopCompanies } from '../../../../contracts/index.ts';
import { AnomaliesQuery, ExporterId, GraphQuery, parseQuery, TopCompaniesQuery } from './trade-route-params.ts';
import { TRADE_TABLES } from './trade-tables.ts';
import { tradeNeighbourhood } from './trade-neighbourhood.ts';
import { TRADE } from './trade-batch.ts';

const RUN = 'live';
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Rows of a query with bound parameters (never spliced into the SQL). */
async function rows<T>(store: ClickHouseClient, query: string, params: Record<string, unknown>): Promise<T[]> {
  const res = await store.query({ query, query_params: params, format: 'JSONEachRow' });
  return res.json<T>();
}

/** The newest scored declaration's event time, the end of every window (the simulation's clock, not the wall's). */
async function newestTs(store: ClickHouseClient): Promise<number | null> {
  const [r] = await rows<{ n: string; last: string }>(store, `SELECT count() AS n, toUnixTimestamp64Milli(max(ts)) AS last FROM ${TRADE_TABLES.scores} WHERE run_id = {run:String}`, { run: RUN });
  return r && Number(r.n) > 0 ? Number(r.last) : null;
}

/** Shapley values largest magnitude first. */
const attributionsOf = (shapley: Record<string, number>): Attribution[] =>
  Object.entries(shapley)
    .map(([group, value]) => ({ group, value: Number(value) }))
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Read models for the trade view: the newest anomalous declarations with their explanations,
 * the companies that scored highest over a window, and one company's neighbourhood in the
 * company ↔ subheading ↔ port ↔ destination graph. Every read is bounded in rows and in event
 * time; parameters are validated (trade-route-params.ts) and bound.
 */
export function createTradeRoutes(store: ClickHouseClient): Hono {
  const app = new Hono();

  app.get('/anomalies', async (c) => {
    const q = parseQuery(AnomaliesQuery, c.req.query());
    if (!q.ok) return c.json({ error: q.error }, 400);
    const { limit, company, hours } = q.value;
    const until = await newestTs(store);
    if (until === null) return c.json({ anomalies: [] });
    const scored = await rows<{ event_id: string; exporter_id: string; ts: string; subheading: string; port: string; destination: string; score: number; severity: string; detector: string; top_group: string; drivers: string; shapley: Record<string, number> }>(
      store,
      `SELECT event_id, exporter_id, toUnixTimestamp64Milli(ts) AS ts, subheading, port, destination, score, severity, detector, top_group, drivers, shapley
       FROM ${TRADE_TABLES.scores} FINAL
       WHERE run_id = {run:String} AND severity != '' AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
         AND ({company:String} = '' OR exporter_id = {company:String})
       ORDER BY ts DESC, event_id LIMIT {limit:UInt32}`,
      { run: RUN, from: until - hours * HOUR, company: company ?? '', limit },
    );
    const declared = new Map(
      (
        await rows<{ event_id: string; exporter_name: string; fob_usd: number; net_kg: number }>(
          store,
          `SELECT event_id, exporter_name, fob_usd, net_kg FROM ${TRADE_TABLES.declarations} FINAL
           WHERE run_id = {run:String} AND exporter_id IN {ex:Array(String)} AND event_id IN {ids:Array(String)} AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')`,
          { run: RUN, ex: [...new Set(scored.map((r) => r.exporter_id))], ids: scored.map((r) => r.event_id), from: until - hours * HOUR },
        )
      ).map((r) => [r.event_id, r]),
    );
    // What the Shapley values explain (the model's score and the background's mean) is kept
    // with the anomaly's values, not in trade_scores.
    const explained = new Map(
      (
        await rows<{ event_id: string; model_score: number; baseline: number }>(
          store,
          `SELECT event_id, values['model_score'] AS model_score, values['shapley_baseline'] AS baseline FROM anomalies FINAL
           WHERE run_id = {run:String} AND domain = {domain:String} AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
             AND event_id IN {ids:Array(String)} AND mapContains(values, 'model_score')`,
          { run: RUN, domain: TRADE, ids: scored.map((r) => r.event_id), from: until - hours * HOUR },
        )
      ).map((r) => [r.event_id, { modelScore: Number(r.model_score), baseline: Number(r.baseline) }]),
    );
    const anomalies: TradeAnomalyItem[] = scored.map((r) => {
      const d = declared.get(r.event_id);
      return {
        id: `${RUN}:${r.event_id}`,
        eventId: r.event_id,
        ts: Number(r.ts),
        exporterId: r.exporter_id,
        exporterName: d?.exporter_name ?? '',
        subheading: r.subheading,
        port: r.port,
        destination: r.destination,
        fobUsd: Number(d?.fob_usd ?? 0),
        netKg: Number(d?.net_kg ?? 0),
        score: Math.min(100, Math.max(0, r.score)),
        severity: r.severity as Severity,
        detector: r.detector,
        topGroup: r.top_group,
        drivers: JSON.parse(r.drivers) as AnomalyDriver[],
        attributions: attributionsOf(r.shapley),
        explained: explained.get(r.event_id) ?? null,
      };
    });
    return c.json({ anomalies });
  });

  app.get('/companies/top', async (c) => {
    const q = parseQuery(TopCompaniesQuery, c.req.query());
    if (!q.ok) return c.json({ error: q.error }, 400);
    const { hours, limit } = q.value;
    const until = await newestTs(store);
    if (until === null) return c.json({ until: null, hours, companies: [] } satisfies TradeTopCompanies);
    const from = until - hours * HOUR;
    const ranked = await rows<{ exporter_id: string; max_score: number; anomalies: string; declarations: string; top_group: string; last_ts: string }>(
      store,
      `SELECT exporter_id, max(score) AS max_score, countIf(severity != '') AS anomalies, count() AS declarations,
              argMax(top_group, score) AS top_group, toUnixTimestamp64Milli(max(ts)) AS last_ts
       FROM ${TRADE_TABLES.scores} FINAL
       WHERE run_id = {run:String} AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
       GROUP BY exporter_id
       ORDER BY max_score DESC, anomalies DESC, exporter_id LIMIT {limit:UInt32}`,
      { run: RUN, from, limit },
    );
    const ids = ranked.map((r) => r.exporter_id);
    const names = new Map(
      (
        await rows<{ exporter_id: string; name: string; fob: number }>(
          store,
          `SELECT exporter_id, any(exporter_name) AS name, sum(fob_usd) AS fob FROM ${TRADE_TABLES.declarations} FINAL
           WHERE run_id = {run:String} AND exporter_id IN {ids:Array(String)} AND ts >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
           GROUP BY exporter_id`,
          { run: RUN, ids, from },
        )
      ).map((r) => [r.exporter_id, r]),
    );
    const companies: TradeCompanyRank[] = ranked.map((r) => ({
      exporterId: r.exporter_id,
      exporterName: names.get(r.exporter_id)?.name ?? '',
      maxScore: Math.min(100, Math.max(0, r.max_score)),
      anomalies: Number(r.anomalies),
      declarations: Number(r.declarations),
      fobUsd: Number(names.get(r.exporter_id)?.fob ?? 0),
      topGroup: r.top_group,
      lastTs: Number(r.last_ts),
    }));
    return c.json({ until, hours, companies } satisfies TradeTopCompanies);
  });

  app.get('/companies/:id/graph', async (c) => {
    const id = ExporterId.safeParse(c.req.param('id'));
    if (!id.success) return c.json({ error: id.error.issues[0]!.message }, 400);
    const q = parseQuery(GraphQuery, c.req.query());
    if (!q.ok) return c.json({ error: q.error }, 400);
    const exporterId = id.data;
    const { days, event, routes: maxRoutes } = q.value;

    let focus: TradeGraphFocus | null = null;
    if (event !== undefined) {
      const [f] = await rows<{ event_id: string; ts: string; subheading: string; port: string; destination: string; score: number; severity: string; top_group: string }>(
        store,
        `SELECT event_id, toUnixTimestamp64Milli(ts) AS ts, subheading, port, destination, score, severity, top_group
         FROM ${TRADE_TABLES.scores} FINAL WHERE run_id = {run:String} AND exporter_id = {id:String} AND event_id = {event:String} LIMIT 1`,
        { run: RUN, id: exporterId, event },
      );
      if (!f) return c.json({ error: `no scored declaration ${JSON.stringify(event)} of company ${exporterId}` }, 404);
      focus = { eventId: f.event_id, ts: Number(f.ts), subheading: f.subheading, port: f.port, destination: f.destination, score: f.score, severity: f.severity, topGroup: f.top_group };
    }
    let toMs = focus?.ts;
    if (toMs === undefined) {
      const [last] = await rows<{ n: string; last: string }>(
        store,
        `SELECT count() AS n, toUnixTimestamp64Milli(max(ts)) AS last FROM ${TRADE_TABLES.scores} WHERE run_id = {run:String} AND exporter_id = {id:String}`,
        { run: RUN, id: exporterId },
      );
      if (!last || Number(last.n) === 0) return c.json({ error: `no declarations of company ${exporterId}` }, 404);
      toMs = Number(last.last);
    }
    const to = isoDay(toMs);
    const from = isoDay(toMs - (days - 1) * DAY);
    // The focused route first, so the limit never leaves out the edges it highlights.
    const found = await rows<{ subheading: string; port: string; destination: string; declarations: string; fob_usd: number }>(
      store,
      `SELECT subheading, port, destination, uniqExactMerge(declarations) AS declarations, sum(fob_usd) AS fob_usd
       FROM ${TRADE_TABLES.routesDaily}
       WHERE run_id = {run:String} AND exporter_id = {id:String} AND day BETWEEN {from:Date} AND {to:Date}
       GROUP BY subheading, port, destination
       ORDER BY (subheading = {fs:String} AND port = {fp:String} AND destination = {fd:String}) DESC, fob_usd DESC, subheading, port, destination
       LIMIT {limit:UInt32}`,
      { run: RUN, id: exporterId, from, to, fs: focus?.subheading ?? '', fp: focus?.port ?? '', fd: focus?.destination ?? '', limit: maxRoutes + 1 },
    );
    const truncated = found.length > maxRoutes;
    const routes = found.slice(0, maxRoutes).map((r) => ({ subheading: r.subheading, port: r.port, destination: r.destination, declarations: Number(r.declarations), fobUsd: Number(r.fob_usd) }));
    const { nodes, edges } = tradeNeighbourhood(exporterId, routes, focus);
    return c.json({ exporterId, from, to, nodes, edges, focus, truncated } satisfies TradeGraph);
  });

  return app;
}
