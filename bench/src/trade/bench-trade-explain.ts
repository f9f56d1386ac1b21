// Shapley explanation cost of the committed trade autoencoder alone, per CPU time: the parity
// file's 300 inputs explained in micro-batches, as the model stage does, repeated. Prints µs of
// process CPU per explanation and the explain rows scored; with --check, the largest difference
// from a reference JSON written by an earlier run (--write), so a change to the coalition rows
// can be held to the same values.
//   node --import tsx bench/src/trade/bench-trade-explain.ts [--model DIR] [--rounds 20] [--batch 25] [--write F | --check F]
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import * as shapley from '../../../processor/src/domains/trade/group-shapley.ts';
import { loadTradeAeModel } from '../../../processor/src/domains/trade/onnx/trade-ae-model.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/trade-ae/4' },
    rounds: { type: 'string', default: '20' },
    batch: { type: 'string', default: '25' },
    threads: { type: 'string', default: '1' },
    write: { type: 'string' },
    check: { type: 'string' },
  },
});
const model = await loadTradeAeModel(args.model!, { intraOpNumThreads: Number(args.threads) });
const parity = JSON.parse(await readFile(`${args.model}/parity.json`, 'utf8')) as { inputs: number[][] };
const rows = parity.inputs;
const batch = Number(args.batch);
const explainAll = async () => {
  const out = [];
  for (let i = 0; i < rows.length; i += batch) out.push(...(await model.explain(rows.slice(i, i + batch))));
  return out;
};
const first = await explainAll();
const values = first.map((e) => [...e.values, e.baseline, e.score]);
if (args.write) await writeFile(args.write, JSON.stringify(values));
if (args.check) {
  const ref = JSON.parse(await readFile(args.check, 'utf8')) as number[][];
  let max = 0;
  ref.forEach((r, i) => r.forEach((v, j) => (max = Math.max(max, Math.abs(v - values[i]![j]!)))));
  console.log(`max |difference| from ${args.check}: ${max}`);
}
const background = Float64Array.from(model.card.background.rows.flat());
// Namespace import: the same script measures a checkout from before the plan (every row scored).
const plan = (shapley as Record<string, unknown>).planCoalitionRows as typeof shapley.planCoalitionRows | undefined;
const all = (1 << model.layout.k) * model.card.background.rows.length;
const distinct = plan ? rows.reduce((s, r) => s + plan(r, background, model.layout).rows, 0) / rows.length : all;
const rounds = Number(args.rounds);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let r = 0; r < rounds; r++) await explainAll();
const cpu = process.cpuUsage(cpu0);
const wall = performance.now() - t0;
const n = rounds * rows.length;
console.log(
  JSON.stringify({
    explanations: n,
    rowsPerExplanation: { all, distinct: +distinct.toFixed(1) },
    cpuUsPerExplanation: +((cpu.user + cpu.system) / n).toFixed(1),
    wallUsPerExplanation: +((wall * 1000) / n).toFixed(1),
    load1: +loadavg()[0]!.toFixed(2),
  }),
);
await model.release();
