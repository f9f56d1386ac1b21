// The trade decoder with and without the fast path (fast-trade-declaration.ts) on the bench
// scenario's messages: CPU ms per 1 000 declarations, best of `--repeat`, interleaved so both
// see the same machine load. The outcomes are the same (the fuzz test); this says what it saves.
//
//   node --import tsx bench/probes/trade-decode-bench.ts [--repeat 5] [--seed 1]
import { parseArgs } from 'node:util';
import { decodeEvent } from '../../processor/src/core/decode-event.ts';
import { FAST_TRADE_DECLARATION_SHAPE, TRADE_DECLARATION_SHAPE } from '../../processor/src/domains/trade/decode-trade-declaration.ts';
import { OFFLINE_PARTITIONS, rawEventsOf } from '../src/trade/offline-trade.ts';
import { DEFAULT_TRADE_SCENARIO, tradeScenario } from '../src/trade/trade-scenario.ts';

const { values } = parseArgs({ options: { repeat: { type: 'string', default: '5' }, seed: { type: 'string', default: '1' } } });
const events = rawEventsOf(tradeScenario({ ...DEFAULT_TRADE_SCENARIO, seed: Number(values.seed) }, OFFLINE_PARTITIONS).messages, OFFLINE_PARTITIONS);
const bounds = (partition: number) => ({ nowMs: Date.now(), maxFutureMs: Number.MAX_SAFE_INTEGER, partition, partitionCount: OFFLINE_PARTITIONS });
const best = { zod: Infinity, fast: Infinity };
for (let r = 0; r < Number(values.repeat); r++) {
  for (const [name, shape] of [['zod', TRADE_DECLARATION_SHAPE], ['fast', FAST_TRADE_DECLARATION_SHAPE]] as const) {
    const c0 = process.cpuUsage();
    for (const m of events) decodeEvent(m.data, shape, bounds(m.partition));
    const c = process.cpuUsage(c0);
    best[name] = Math.min(best[name], (c.user + c.system) / 1000 / (events.length / 1000));
  }
}
process.stdout.write(`${events.length} declarations, best of ${values.repeat}: decode with zod alone ${best.zod.toFixed(2)} ms CPU per 1 000, with the fast path ${best.fast.toFixed(2)} (×${(best.zod / best.fast).toFixed(1)}); load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)}\n`);
