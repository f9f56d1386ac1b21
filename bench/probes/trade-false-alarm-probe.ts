/**
 * The interim score's flags on unlabelled declarations (candidate false alarms) and its misses
 * of one kind, with the features that decided them: what a rule or signal needs to tell apart.
 * Analysis only (echoes are listed too; trade-accuracy.ts sets them apart).
 *
 *   node --import tsx bench/probes/trade-false-alarm-probe.ts --seeds 5 --group quota [--missed structuring]
 */
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS, severityOf } from '../../contracts/index.ts';
import { TradeBatchProcessor } from '../../processor/src/domains/trade/trade-batch.ts';
import { TRADE_FEATURE_INDEX as F, TRADE_FEATURES } from '../../processor/src/domains/trade/trade-features.ts';
import { scoreTradeFeatures } from '../../processor/src/domains/trade/trade-interim-score.ts';
import { REPORTING_THRESHOLD_USD } from '../../processor/src/domains/trade/trade-runtime.ts';
import { OFFLINE_BATCH, OFFLINE_PARTITIONS, rawEventsOf } from '../src/trade/offline-trade.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario } from '../src/trade/trade-scenario.ts';

const { values } = parseArgs({ options: { seeds: { type: 'string', default: '5' }, group: { type: 'string', default: 'quota' }, missed: { type: 'string' }, all: { type: 'boolean', default: false }, show: { type: 'string', default: 'company_n,quota_used,controlled_route_new,cp_new,cd_new' } } });
const show = values.show!.split(',') as (typeof TRADE_FEATURES)[number][];
for (const seed of values.seeds!.split(',').map(Number)) {
  const sc = tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed }, OFFLINE_PARTITIONS);
  const truth = new Map(sc.truths.map((t) => [t.id, t]));
  const p = new TradeBatchProcessor({ runId: 'probe', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, features: { reportingThresholdUsd: REPORTING_THRESHOLD_USD } });
  const events = rawEventsOf(sc.messages, OFFLINE_PARTITIONS);
  const found = new Set<string>();
  const missedRows = new Map<string, string[]>();
  for (let i = 0; i < events.length; i += OFFLINE_BATCH) {
    for (const it of p.ingest(events.slice(i, i + OFFLINE_BATCH), 0).items) {
      const d = it.declaration;
      if (d.ts < sc.fromTs) continue;
      const v = scoreTradeFeatures(it.values, undefined, it.habit);
      const flagged = severityOf(v.score, DEFAULT_SEVERITY_BANDS) !== null;
      const t = truth.get(d.id);
      const feats = show.map((n) => `${n}=${it.values[F[n]]!.toFixed(3)}`).join(' ');
      if (flagged && !t && v.group === values.group) process.stdout.write(`seed ${seed} FA ${d.id} ${d.exporter_id} ${d.hs_code} ${d.port}->${d.destination} fob ${d.fob_usd} kg ${d.net_kg} | ${v.drivers[0]?.feature} ${v.score.toFixed(0)} | ${feats}\n`);
      if (values.missed && t?.kind === values.missed) {
        if (flagged) found.add(t.faultId);
        const rows = missedRows.get(t.faultId) ?? [];
        rows.push(`  ${d.id} ${new Date(d.ts).toISOString().slice(5, 16)} fob ${d.fob_usd} score ${v.score.toFixed(0)} ${v.drivers[0]?.feature ?? '-'} | ${feats}`);
        missedRows.set(t.faultId, rows);
      }
    }
  }
  for (const [fid, rows] of missedRows) if (values.all || !found.has(fid)) process.stdout.write(`seed ${seed} ${found.has(fid) ? 'found' : 'missed'} ${fid}\n${rows.join('\n')}\n`);
}
