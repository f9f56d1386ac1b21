import { resolve } from 'node:path';
import { createClient, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type { StoreOptions } from './open-store.ts';
import { analystSettings, type SqlLimits } from './sql-limits.ts';
import { parseExplainAst } from './explain-ast.ts';
import { assertAnalystStatement, TABLE_FUNCTIONS } from './analyst-statement.ts';
import { QueryLimitError, QueryRejectedError, SqlBusyError } from './store-errors.ts';

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: Record<string, unknown>[];
  /** Rows were cut at the `maxResultRows` limit. */
  truncated: boolean;
  elapsedMs: number;
}

/** Analyst SQL: the SQL console, `vigia sql` and the test harness, never ingestion. */
export interface AnalystSql {
  /** Check one statement with ClickHouse's parser, then run it read-only within the limits. */
  query(sql: string): Promise<QueryResult>;
  close(): Promise<void>;
}

/**
 * Sessions for analyst queries, apart from the ingestion session.
 *
 * Embedded chDB: one engine per process, but each connection has its own session settings, and
 * @clickhouse/client's `clickhouse_settings` reach chDB as `SET …;` in front of the query, which
 * last for the session. So the limits and `readonly = 1` are set once on connections of their
 * own. A chDB connection runs its queries one after another, each on a libuv worker thread (the
 * event loop and the ingestion connection stay free), so every concurrent query gets a slot of
 * two connections: one checks the statement, without the result caps (the parser's tree of a
 * long statement has many rows), one runs it with them.
 * A server: one client per role sends the same settings with every request.
 */
export async function openAnalystSql(opts: StoreOptions, limits: SqlLimits): Promise<AnalystSql> {
  const open = opts.url ? serverSessions(opts, limits) : (role: SessionRole) => embeddedSession(opts, limits, role);
  const all = new Set<ClickHouseClient>();
  const opened = async (role: SessionRole) => {
    const session = await open(role);
    all.add(session);
    return session;
  };
  const idle: Slot[] = [];
  try {
    for (let i = 0; i < limits.maxConcurrent; i++) idle.push({ check: await opened('check'), run: await opened('run') });
  } catch (err) {
    await Promise.all([...all].map((s) => s.close()));
    throw err;
  }
  const tableFunctions = await engineTableFunctions(idle[0]!.check);
  return {
    async query(sql) {
      const bytes = Buffer.byteLength(sql);
      if (!sql.trim()) throw new QueryRejectedError('The query is empty.');
      if (bytes > limits.maxQueryBytes) throw new QueryRejectedError(`The query is ${bytes} bytes long; the limit is ${limits.maxQueryBytes} (sql.maxQueryBytes).`);
      const slot = idle.pop();
      if (!slot) throw new SqlBusyError(limits.maxConcurrent);
      try {
        return await checkAndRun(slot, sql, limits, tableFunctions);
      } catch (err) {
        for (const role of ['check', 'run'] as const) {
          if (await isClean(slot[role])) continue;
          // Replaced, not reused, when even probing does not clean it.
          const stale = slot[role];
          slot[role] = await opened(role).catch(() => stale);
          if (slot[role] !== stale) await stale.close().finally(() => all.delete(stale));
        }
        throw classify(err, limits);
      } finally {
        idle.push(slot);
      }
    },
    async close() {
      await Promise.all([...all].map((s) => s.close()));
    },
  };
}

type SessionRole = 'check' | 'run';
interface Slot {
  check: ClickHouseClient;
  run: ClickHouseClient;
}

/**
 * chDB keeps the rows a failed query had already produced (one stopped by max_result_bytes, say)
 * and hands them out in front of the next answer on the same connection. A probe after each
 * failure takes them; true when the connection answers its own question again.
 */
async function isClean(session: ClickHouseClient): Promise<boolean> {
  for (let i = 0; i < 3; i++) {
    const rows = await session
      .query({ query: "SELECT 'clean' AS probe", format: 'JSONCompactEachRow' })
      .then((r) => r.json())
      .catch(() => undefined);
    if (JSON.stringify(rows) === '[["clean"]]') return true;
  }
  return false;
}

/**
 * The table functions the engine knows, added to the recorded ones: a newer engine (or a server
 * behind `store.url`) may have more, and each is refused outside FROM too. Without the list (a
 * server that hides system tables) the recorded names still apply.
 */
async function engineTableFunctions(session: ClickHouseClient): Promise<ReadonlySet<string>> {
  const rows = await session
    .query({ query: 'SELECT name FROM system.table_functions', format: 'JSONCompactEachRow' })
    .then((r) => r.json() as Promise<string[][]>)
    .catch(() => [] as string[][]);
  return new Set([...TABLE_FUNCTIONS, ...rows.map(([name]) => String(name).toLowerCase())]);
}

async function checkAndRun(slot: Slot, sql: string, limits: SqlLimits, tableFunctions: ReadonlySet<string>): Promise<QueryResult> {
  const started = performance.now();
  const statement = await canonical(slot.check, sql);
  assertAnalystStatement(parseExplainAst(await explainAst(slot.check, statement)), tableFunctions);
  const res = await slot.run.query({ query: statement, format: 'JSONCompactEachRowWithNamesAndTypes' }).catch((err: unknown) => {
    // The statement parsed on its own, and the client appends FORMAT: a syntax error now means
    // the statement brought a FORMAT of its own (ClickHouse allows one).
    if ((err as { code?: string }).code === CODE.syntax) throw new QueryRejectedError('Leave out FORMAT: the API chooses the format.', { cause: err });
    throw err;
  });
  const [names = [], types = [], ...data] = (await res.json()) as [string[], string[], ...unknown[][]];
  const columns = names.map((name, i) => ({ name, type: String(types[i]) }));
  const rows = data.slice(0, limits.maxResultRows).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
  return { columns, rows, truncated: data.length > limits.maxResultRows, elapsedMs: Math.round(performance.now() - started) };
}

/**
 * The statement as ClickHouse's formatter writes it back: the text travels as a bound parameter
 * (never spliced into SQL), and the parser refuses a second statement. What comes back has no
 * comments and escapes line breaks inside literals and names, so it can follow `EXPLAIN AST`
 * safely, and it is what runs, so what was checked is what runs.
 */
async function canonical(session: ClickHouseClient, sql: string): Promise<string> {
  const res = await session
    .query({ query: 'SELECT formatQuery({sql:String}) AS q', query_params: { sql }, format: 'JSONCompactEachRow' })
    .catch((err: unknown) => {
      const e = err as { code?: string; message?: string };
      if (e.code === undefined) throw err;
      throw new QueryRejectedError(`ClickHouse cannot parse the query: ${(e.message ?? '').replace(/:? In scope SELECT formatQuery[\s\S]*$/, '')}`, { cause: err });
    });
  const rows = (await res.json()) as string[][];
  if (rows.length !== 1 || typeof rows[0]?.[0] !== 'string') throw new Error(`formatQuery answered ${rows.length} rows instead of 1`);
  if (!rows[0][0]) throw new QueryRejectedError('The query is empty.');
  return rows[0][0];
}

/**
 * The parser's tree of the statement. `EXPLAIN AST` only parses: it neither runs the statement
 * nor resolves its tables. Output options written after the statement (INTO OUTFILE, FORMAT) are
 * parsed into the explained statement, where the check sees them, and do not apply to EXPLAIN.
 * `exec` appends nothing to the SQL; the answer's format is set out of band.
 */
async function explainAst(session: ClickHouseClient, statement: string): Promise<string[]> {
  const res = await session.exec({ query: `EXPLAIN AST ${statement}`, clickhouse_settings: { default_format: 'JSONCompactEachRow' } }).catch((err: unknown) => {
    const e = err as { code?: string };
    if (e.code === CODE.readonly) throw new QueryRejectedError('SETTINGS inside the query are not allowed: analyst queries run read-only (readonly = 1) with fixed limits (the `sql` config section).', { cause: err });
    throw err;
  });
  const chunks: Buffer[] = [];
  for await (const chunk of res.stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8').split('\n').filter(Boolean).map((line) => (JSON.parse(line) as [string])[0]);
}

/** ClickHouse error codes the API turns into its own answers. */
const CODE = { syntax: '62', timeout: '159', readonly: '164', memory: '241', tooManyRows: '396' } as const;

function classify(err: unknown, limits: SqlLimits): unknown {
  const e = err as { code?: string; message?: string };
  switch (e.code) {
    case CODE.timeout:
      return new QueryLimitError('time', `The query ran longer than ${limits.maxExecutionSeconds} s (sql.maxExecutionSeconds) and was stopped. Narrow it (a time range, fewer FINAL scans) or raise the limit.`, { cause: err });
    case CODE.memory:
      return new QueryLimitError('memory', `The query needed more than ${limits.maxMemoryMiB} MiB (sql.maxMemoryMiB) and was stopped. Aggregate more, or select fewer columns.`, { cause: err });
    case CODE.tooManyRows:
      return new QueryLimitError('result', `The result is larger than ${limits.maxResultMiB} MiB or ${limits.maxResultRows} rows (sql.maxResultMiB, sql.maxResultRows). Select fewer or narrower columns, aggregate, or add a LIMIT.`, { cause: err });
    case CODE.readonly:
      return new QueryRejectedError(`Analyst queries are read-only (readonly = 1): ${e.message}`, { cause: err });
    default:
      return err;
  }
}

/** A read-only chDB connection to the store's folder, its limits set for the whole session. */
async function embeddedSession(opts: StoreOptions, limits: SqlLimits, role: SessionRole): Promise<ClickHouseClient> {
  const client = createClient({ connection: createChdbConnection({ path: resolve(opts.dataDir, 'chdb') }) } as Parameters<typeof createClient>[0]);
  try {
    await client.command({ query: `USE ${opts.database}` });
    for (const [name, value] of analystSettings(limits, { capResults: role === 'run' })) await client.command({ query: `SET ${name} = ${literal(value)}` });
    const res = await client.query({ query: "SELECT getSetting('readonly') AS r", format: 'JSONCompactEachRow' });
    const [[readonly] = []] = (await res.json()) as number[][];
    // The whole API rests on this; stop rather than serve SQL without it.
    if (Number(readonly) !== 1) throw new Error(`the analyst SQL session is not read-only (readonly = ${readonly})`);
    return client;
  } catch (err) {
    await client.close();
    throw err;
  }
}

/** On a server every request carries the settings: one client per role serves all slots. */
function serverSessions(opts: StoreOptions, limits: SqlLimits): (role: SessionRole) => Promise<ClickHouseClient> {
  const client = (capResults: boolean) =>
    createClient({
      url: opts.url,
      username: opts.username ?? 'default',
      password: opts.password ?? '',
      database: opts.database,
      clickhouse_settings: Object.fromEntries(analystSettings(limits, { capResults })) as ClickHouseSettings,
    });
  const clients = { check: client(false), run: client(true) };
  return async (role) => clients[role];
}

function literal(value: number | string): string {
  return typeof value === 'number' ? String(value) : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
