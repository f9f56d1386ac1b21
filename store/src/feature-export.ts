import type { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import { assertReadOnlyQuery } from './read-only-query.ts';
import { QueryRejectedError } from './store-errors.ts';

export interface FeatureExportRequest {
  domain: string;
  runId: string;
  featureSet: string;
}

const IDENT = /^[a-z][a-z0-9_]{0,63}$/;
const SAFE_VALUE = /^[A-Za-z0-9_.@:-]{1,64}$/;

/**
 * The training matrix of one feature set in one run: entity, event id, event time (epoch ms),
 * one column per feature in the set's order, and — for evaluation only, never for fitting —
 * the producer's ground-truth label where the domain has one.
 */
export type FeatureExportJoin = (featureSet: string, runId: string) => { join: string; columns: string } | undefined;

export async function featureExportQuery(client: ClickHouseClient, req: FeatureExportRequest, joinOf?: FeatureExportJoin): Promise<string> {
  for (const [k, v] of Object.entries(req)) if (!SAFE_VALUE.test(v)) throw new QueryRejectedError(`${k} '${v}' is not a valid name`);
  const res = await client.query({
    query: 'SELECT names FROM features WHERE run_id = {run:String} AND domain = {domain:String} AND feature_set = {set:String} LIMIT 1',
    query_params: { run: req.runId, domain: req.domain, set: req.featureSet },
    format: 'JSONEachRow',
  });
  const first = (await res.json<{ names: string[] }>())[0];
  if (!first) throw new QueryRejectedError(`no features of set '${req.featureSet}' for domain '${req.domain}' in run '${req.runId}'`);
  const names = first.names;
  if (!names.every((n) => IDENT.test(n))) throw new QueryRejectedError(`feature names of '${req.featureSet}' are not plain identifiers`);
  const columns = names.map((n, i) => `f.values[${i + 1}] AS ${n}`).join(', ');
  // Extra columns joined from the domain's events (the domain module says which): the training
  // target where there is one, and the producer's label for evaluation only (never for fitting).
  const extra = joinOf?.(req.featureSet, req.runId);
  return `SELECT f.entity AS entity, f.event_id AS event_id, toUnixTimestamp64Milli(f.ts) AS ts_ms, ${columns}${extra?.columns ?? ''}
FROM features AS f FINAL ${extra?.join ?? ''}
WHERE f.run_id = '${req.runId}' AND f.domain = '${req.domain}' AND f.feature_set = '${req.featureSet}'
ORDER BY entity, ts_ms, event_id`;
}

/** Any read-only query as a Parquet byte stream. */
export async function exportParquet(client: ClickHouseClient, sql: string): Promise<Readable> {
  const query = assertReadOnlyQuery(sql);
  const res = await client.exec({ query: `${query} FORMAT Parquet` });
  return res.stream;
}
