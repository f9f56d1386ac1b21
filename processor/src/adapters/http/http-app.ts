import { existsSync } from 'node:fs';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { ClickHouseClient } from '@clickhouse/client';
import { Readable } from 'node:stream';
import { exportParquet, featureExportQuery, runQuery, QueryRejectedError } from '../../../../store/src/index.ts';
import type { ProcessorMetrics } from '../../metrics.ts';
import { createSensorRoutes } from './sensor-routes.ts';
import { createTripRoutes } from './trip-routes.ts';
import { installAccessGuard, type HttpAccess } from './access-guard.ts';

export interface HttpAppDeps {
  store: ClickHouseClient;
  metrics: ProcessorMetrics;
  /** Liveness of the parts the processor depends on. */
  health: () => Promise<Record<string, { ok: boolean; detail?: string }>>;
  /** Built UI (ui/dist); served at `/` when present. */
  uiDir: string;
  /** Token, Host, Origin and body rules applied before every route. */
  access: HttpAccess;
}

/**
 * /health, /metrics, the read-only SQL API and the UI. Bad SQL is the caller's error (400
 * with ClickHouse's explanation), not the server's.
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

  app.on(['GET', 'POST'], '/api/sql', async (c) => {
    let sql: unknown;
    if (c.req.method === 'POST') {
      const body = await c.req.json().catch(() => undefined);
      sql = (body as { query?: unknown } | undefined)?.query;
    } else {
      sql = c.req.query('query');
    }
    if (typeof sql !== 'string') return c.json({ error: 'Send the SQL as {"query": "SELECT …"} (POST JSON) or ?query=… (GET).' }, 400);
    try {
      return c.json(await runQuery(deps.store, sql));
    } catch (err) {
      if (err instanceof QueryRejectedError) return c.json({ error: err.message }, 400);
      const e = err as { code?: string; type?: string; message: string };
      // ClickHouse rejected the SQL (syntax, unknown column…): the client's mistake.
      if (e.code !== undefined || e.type !== undefined) return c.json({ error: e.message, code: e.code, type: e.type }, 400);
      throw err;
    }
  });

  app.route('/api/sensor', createSensorRoutes(deps.store));
  app.route('/api/trip', createTripRoutes(deps.store));

  // Training sets: the features a run computed, as Parquet (see `vigia features export`).
  app.get('/api/features/export', async (c) => {
    const domain = c.req.query('domain') ?? '';
    const runId = c.req.query('run') ?? '';
    const featureSet = c.req.query('set') ?? '';
    try {
      const sql = await featureExportQuery(deps.store, { domain, runId, featureSet });
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
