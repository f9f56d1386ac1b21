import { existsSync } from 'node:fs';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import { exportParquet, featureExportQuery, QueryRejectedError, type AnalystSql } from '../../../../store/src/index.ts';
import type { ProcessorMetrics } from '../../metrics.ts';
import type { DomainModule } from '../../domains/domain-module.ts';
import { sqlErrorResponse } from './sql-error-response.ts';
import { installAccessGuard, type HttpAccess } from './access-guard.ts';

export interface HttpAppDeps {
  store: ClickHouseClient;
  /** Analyst SQL (`/api/sql`): read-only sessions apart from ingestion. */
  sql: AnalystSql;
  metrics: ProcessorMetrics;
  /** Liveness of the parts the processor depends on. */
  health: () => Promise<Record<string, { ok: boolean; detail?: string }>>;
  /** Built UI (ui/dist); served at `/` when present. */
  uiDir: string;
  /** Token, Host, Origin and body rules applied before every route. */
  access: HttpAccess;
  /** The domains this processor runs: their routes under `/api/<name>`, their feature sets. */
  modules: readonly DomainModule[];
}

/**
 * /health, /metrics, the read-only SQL API and the UI. Bad SQL is the caller's error (4xx
 * with the reason, see sql-error-response.ts), not the server's.
 */
export function createHttpApp(deps: HttpAppDeps): Hono {
  const app = new Hono();
  installAccessGuard(app, deps.access);

  app.get('/health', async (c) => {
    const checks = await deps.health();
    const ok = Object.values(checks).every((x) => x.ok);
    return c.json({ status: ok ? 'ok' : 'degraded', checks }, ok ? 200 : 503);
  });

  app.get('/metrics', async (c) => {
    c.header('Content-Type', deps.metrics.registry.contentType);
    return c.body(await deps.metrics.registry.metrics());
  });

  // POST only: the access guard answers a GET with 405 (a GET that runs SQL invites CSRF).
  app.post('/api/sql', async (c) => {
    const body = await c.req.json().catch(() => undefined);
    const sql = (body as { query?: unknown } | undefined)?.query;
    if (typeof sql !== 'string') return c.json({ error: 'Send the SQL as {"query": "SELECT …"} (POST, content-type: application/json).' }, 400);
    try {
      return c.json(await deps.sql.query(sql));
    } catch (err) {
      const answer = sqlErrorResponse(err);
      if (!answer) throw err;
      if (answer.retryAfter) c.header('Retry-After', String(answer.retryAfter));
      return c.json(answer.body, answer.status);
    }
  });

  for (const m of deps.modules) if (m.routes) app.route(`/api/${m.name}`, m.routes(deps.store));

  // Training sets: the features a run computed, as Parquet (see `vigia features export`).
  app.get('/api/features/export', async (c) => {
    const domain = c.req.query('domain') ?? '';
    const runId = c.req.query('run') ?? '';
    const featureSet = c.req.query('set') ?? '';
    try {
      const module = deps.modules.find((m) => m.name === domain);
      if (!module) return c.json({ error: `domain '${domain}' is not processed here (domains: ${deps.modules.map((m) => m.name).join(', ')})` }, 400);
      const sql = await featureExportQuery(deps.store, { domain, runId, featureSet }, module.features.exportJoin);
      const stream = await exportParquet(deps.store, sql);
      c.header('Content-Type', 'application/vnd.apache.parquet');
      return c.body(Readable.toWeb(stream) as ReadableStream);
    } catch (err) {
      if (err instanceof QueryRejectedError) return c.json({ error: err.message }, 400);
      throw err;
    }
  });

  if (existsSync(deps.uiDir)) {
    app.use('/*', serveStatic({ root: deps.uiDir }));
  } else {
    app.get('/', (c) => c.text(`The UI is not built (${deps.uiDir} missing): run npm run build:ui`, 503));
  }

  app.onError((err, c) => c.json({ error: `internal error: ${err.message}` }, 500));
  return app;
}
