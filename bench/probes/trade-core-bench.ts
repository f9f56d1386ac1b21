// Where the trade core's CPU goes, part by part, on the bench scenario (seed 1): decode
// (JSON.parse + the zod contract), the key budget, the features (observeDeclaration), the
// whole ingest (those plus rows), and score. Each part repeated, CPU-seconds per part, so a
// change to one is measured on its own; the figures are per 1 000 declarations.
//
//   node --import tsx bench/probes/trade-core-bench.ts [--repeat 3]
import { parseArgs } from 'node:util';
import { DEFAULT_SEVERITY_BANDS } from '../../contracts/index.ts';
import { parseConfig } from '../../config/index.ts';
import { keyLimitsOf } from '../../processor/src/core/key-budget.ts';
import { decodeTradeDeclaration } from '../../processor/src/domains/trade/decode-trade-declaration.ts';
import { TRADE_NEW_KEY_BYTES, TradeBatchProcessor } from '../../processor/src/domains/trade/trade-batch.ts';
import { observeDeclaration } from '../../processor/src/domains/trade/trade-features.ts';
import { TradeGraphState } from '../../processor/src/domains/trade/trade-graph-state.ts';
import { REPORTING_THRESHOLD_USD } from '../../processor/src/domains/trade/trade-runtime.ts';
import { OFFLINE_BATCH, OFFLINE_PARTITIONS, rawEventsOf } from '../src/trade/offline-trade.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario } from '../src/trade/trade-scenario.ts';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '3' }, seed: { type: 'string', default: '1' } } });
const repeat = Number(values.repeat);
const s = tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed: Number(values.seed) }, OFFLINE_PARTITIONS);
const events = rawEventsOf(s.messages, OFFLINE_PARTITIONS);
const n = events.length;
const opts = { reportingThresholdUsd: REPORTING_THRESHOLD_USD };
const cpu = (f: () => void) => {
  const best: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    best.push((c.user + c.system) / 1e3);
  }
  return Math.min(...best);
};

const decoded = events.map((m) => decodeTradeDeclaration(m.data, { nowMs: Date.now(), maxFutureMs: Number.MAX_SAFE_INTEGER, partition: m.partition, partitionCount: OFFLINE_PARTITIONS }));
const decls = decoded.map((d) => (d.ok ? d.value : null));
const parts: Record<string, number> = {
  decode: cpu(() => {
    for (const m of events) decodeTradeDeclaration(m.data, { nowMs: Date.now(), maxFutureMs: Number.MAX_SAFE_INTEGER, partition: m.partition, partitionCount: OFFLINE_PARTITIONS });
  }),
  'JSON.parse alone': cpu(() => {
    const dec = new TextDecoder();
    for (const m of events) JSON.parse(dec.decode(m.data));
  }),
  features: cpu(() => {
    const g = new TradeGraphState();
    for (let i = 0; i < n; i++) if (decls[i]) observeDeclaration(g, decls[i]!, opts, events[i]!.partition);
  }),
};
const limits = keyLimitsOf(parseConfig({}).processor.limits, TRADE_NEW_KEY_BYTES);
let stages: ReturnType<TradeBatchProcessor['ingest']>[] = [];
let proc!: TradeBatchProcessor;
parts['ingest (decode + keys + features + rows)'] = cpu(() => {
  proc = new TradeBatchProcessor({ runId: 'probe', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, limits, features: opts });
  stages = [];
  for (let i = 0; i < n; i += OFFLINE_BATCH) stages.push(proc.ingest(events.slice(i, i + OFFLINE_BATCH), Date.now()));
});
parts['ingest without key limits'] = cpu(() => {
  const p = new TradeBatchProcessor({ runId: 'probe', bands: DEFAULT_SEVERITY_BANDS, maxFutureMs: Number.MAX_SAFE_INTEGER, partitionCount: OFFLINE_PARTITIONS, features: opts });
  for (let i = 0; i < n; i += OFFLINE_BATCH) p.ingest(events.slice(i, i + OFFLINE_BATCH), Date.now());
});
parts.score = cpu(() => {
  for (const st of stages) {
    st.records.scores = [];
    st.records.anomalies = [];
    proc.score(st, null);
  }
});
process.stdout.write(`${n} declarations, best of ${repeat}; ms per 1 000 declarations:\n`);
for (const [k, ms] of Object.entries(parts)) process.stdout.write(`  ${k.padEnd(42)} ${((ms * 1000) / n).toFixed(1).padStart(7)}\n`);
const core = parts['ingest (decode + keys + features + rows)']! + parts.score!;
process.stdout.write(`pure core (ingest + score): ${Math.round(n / (core / 1000))} declarations per CPU-second\n`);
