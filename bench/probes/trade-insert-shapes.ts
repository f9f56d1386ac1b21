/**
 * What the trade domain's writes cost on embedded chDB, per table and per format, with the real
 * rows `vigia bench trade --profile DIR` kept (DIR/rows): each table's batch inserted `repeats`
 * times into a fresh store (the real migrations) as JSONEachRow (objects) and as
 * JSONCompactEachRow (value arrays with the column list), alternating; CPU of the whole process
 * (JS thread + chDB's threads) per insert, median of the repeats. Then the stored rows of both
 * shapes are read back and compared, so a cheaper shape can be shown to store the same rows.
 *
 *   node --import tsx bench/probes/trade-insert-shapes.ts --rows DIR [--repeats 7]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ClickHouseClient } from '@clickhouse/client';
import { parseConfig } from '../../config/index.ts';
import { openStore } from '../../store/src/index.ts';
import { tempDir } from '../../test/harness/temp-dir.ts';
import { TRADE_MIGRATIONS } from '../../processor/src/domains/trade/trade-tables.ts';

type Row = Record<string, unknown>;
const { values } = parseArgs({ options: { rows: { type: 'string' }, repeats: { type: 'string', default: '7' } } });
if (!values.rows) {
  process.stderr.write('usage: trade-insert-shapes.ts --rows DIR [--repeats 7]\n');
  process.exit(2);
}
const repeats = Number(values.repeats);
const load = (name: string) => JSON.parse(readFileSync(join(values.rows!, `${name}.json`), 'utf8')) as Row[];
const samples: [string, string, Row[]][] = [
  ['trade_scores', 'trade_scores', load('trade_scores')],
  ['trade_declarations', 'trade_declarations', load('trade_declarations')],
  ['anomalies', 'anomalies.trade', load('anomalies.trade')],
];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

const dir = tempDir('trade-insert-shapes');
const store = await openStore({ ...parseConfig({}).clickhouse, dataDir: dir.path });
try {
  const client = store.client;
  for (const q of TRADE_MIGRATIONS) await client.command({ query: q });
  for (const [table, sample, rows] of samples) {
    const cols = Object.keys(rows[0]!) as [string, ...string[]];
    const arrays = rows.map((r) => cols.map((c) => r[c]));
    await client.command({ query: `CREATE TABLE ${table}_compact AS ${table}` });
    const plain = () => client.insert({ table, values: rows, format: 'JSONEachRow' });
    const compact = () => client.insert({ table: `${table}_compact`, values: arrays, columns: cols, format: 'JSONCompactEachRow' });
    const t = { plain: [] as number[], compact: [] as number[] };
    for (let i = 0; i <= repeats; i++) {
      for (const [k, f] of [['plain', plain], ['compact', compact]] as const) {
        const c0 = process.cpuUsage();
        await f();
        const c = process.cpuUsage(c0);
        if (i > 0) t[k].push((c.user + c.system) / 1000);
      }
    }
    const same = await sameRows(client, table, `${table}_compact`);
    const p = median(t.plain);
    const c = median(t.compact);
    process.stdout.write(
      `${table}: ${rows.length} rows; CPU ms per insert JSONEachRow ${p.toFixed(1)} (${((p * 1000) / rows.length).toFixed(1)} µs/row), JSONCompactEachRow ${c.toFixed(1)} (${((c * 1000) / rows.length).toFixed(1)} µs/row); stored rows identical: ${same}\n`,
    );
  }
} finally {
  await store.close();
  dir.remove();
}

async function sameRows(client: ClickHouseClient, a: string, b: string): Promise<boolean> {
  const read = async (t: string) => (await (await client.query({ query: `SELECT * FROM ${t} ORDER BY ALL`, format: 'JSONEachRow' })).text());
  return (await read(a)) === (await read(b));
}
