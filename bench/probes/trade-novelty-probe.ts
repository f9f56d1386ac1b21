/**
 * What tells an injected new route from a company's ordinary first use of one of its own
 * destinations or ports: for every first use by an established company (the cases the route
 * signals judge), the label and candidate discriminators, as TSV on stdout. Analysis only.
 *
 *   node --import tsx bench/probes/trade-novelty-probe.ts --seeds 1,2 > /tmp/novelty.tsv
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS } from '../../contracts/index.ts';
import { TradeBatchProcessor } from '../../processor/src/domains/trade/trade-batch.ts';
import { TRADE_FEATURE_INDEX as F } from '../../processor/src/domains/trade/trade-features.ts';
import { REPORTING_THRESHOLD_USD } from '../../processor/src/domains/trade/trade-runtime.ts';
import { OFFLINE_BATCH, OFFLINE_PARTITIONS, rawEventsOf } from '../src/trade/offline-trade.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario } from '../src/trade/trade-scenario.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '1,2' }, what: { type: 'string', default: 'destination' } } });
const what = values.what as 'destination' | 'port';
const cols = ['seed', 'label', 'n', 'distinct', 'f1', 'f2', 'rate', 'glob_share', 'port_dest_n', 'port_n', 'sub_dest_n', 'sub_n', 'uv_dest_z', 'uv_z', 'fob_rel', 'road', 'dest', 'since_open', 'sd_rarity', 'sp_rarity'];
process.stdout.write(cols.join('\t') + '\n');
for (const seed of values.seeds!.split(',').map(Number)) {
  const sc = tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed }, OFFLINE_PARTITIONS);
  const kindOf = new Map(sc.truths.map((t) => [t.id, t.kind]));
  const p = new TradeBatchProcessor({ runId: 'probe', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD } });
  const events = rawEventsOf(sc.messages, OFFLINE_PARTITIONS);
  // Shadow counts for the analysis (global over partitions: analysis only).
  const comp = new Map<string, { n: number; dest: Map<string, number>; port: Map<string, number>; fob: number[]; lastOpen: number }>();
  const glob = new Map<string, number>();
  let globN = 0;
  const portDest = new Map<string, number>();
  const portN = new Map<string, number>();
  const subDest = new Map<string, number>();
  const subN = new Map<string, number>();
  for (let i = 0; i < events.length; i += OFFLINE_BATCH) {
    for (const it of p.ingest(events.slice(i, i + OFFLINE_BATCH), 0).items) {
      const d = it.declaration;
      const v = it.values;
      let c = comp.get(d.exporter_id);
      if (!c) comp.set(d.exporter_id, (c = { n: 0, dest: new Map(), port: new Map(), fob: [], lastOpen: 0 }));
      const edges = what === 'destination' ? c.dest : c.port;
      const key = what === 'destination' ? d.destination : d.port;
      const isNew = what === 'destination' ? v[F.cd_new] : v[F.cp_new];
      if (isNew && c.n >= 20 && d.ts >= sc.fromTs) {
        let f1 = 0, f2 = 0;
        for (const k of edges.values()) (k === 1 ? f1++ : k === 2 ? f2++ : 0);
        const sorted = [...c.fob].sort((a, b) => a - b);
        const med = sorted[sorted.length >> 1] ?? 1;
        const label = kindOf.get(d.id) ?? 'normal';
        const row = [seed, label, c.n, edges.size, f1, f2, (what === 'destination' ? v[F.cd_novelty_rate] : v[F.cp_novelty_rate])!.toFixed(4), ((glob.get(key) ?? 0) / Math.max(1, globN)).toFixed(4), portDest.get(`${d.port}|${d.destination}`) ?? 0, portN.get(d.port) ?? 0, subDest.get(`${it.subheading}|${d.destination}`) ?? 0, subN.get(it.subheading) ?? 0, v[F.uv_dest_z]!.toFixed(2), v[F.uv_z]!.toFixed(2), Math.log10(Math.max(d.fob_usd, 1) / Math.max(med, 1)).toFixed(2), d.transport_mode === 'road' ? 1 : 0, key, c.n - c.lastOpen, v[F.sd_rarity]!.toFixed(3), v[F.sp_rarity]!.toFixed(3)];
        process.stdout.write(row.join('\t') + '\n');
      }
      if (c.n > 0 && !edges.has(key)) c.lastOpen = c.n;
      c.n++;
      edges.set(key, (edges.get(key) ?? 0) + 1);
      if (what === 'destination') c.port.set(d.port, (c.port.get(d.port) ?? 0) + 1);
      else c.dest.set(d.destination, (c.dest.get(d.destination) ?? 0) + 1);
      c.fob.push(d.fob_usd);
      glob.set(key, (glob.get(key) ?? 0) + 1);
      globN++;
      portDest.set(`${d.port}|${d.destination}`, (portDest.get(`${d.port}|${d.destination}`) ?? 0) + 1);
      portN.set(d.port, (portN.get(d.port) ?? 0) + 1);
      subDest.set(`${it.subheading}|${d.destination}`, (subDest.get(`${it.subheading}|${d.destination}`) ?? 0) + 1);
      subN.set(it.subheading, (subN.get(it.subheading) ?? 0) + 1);
    }
  }
}
