// Throughput of the sensor-chain scorer by batch size:
//   node --import tsx bench/probes/sensor-chain-bench.ts [modelDir] [seconds per size]
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { loadSensorChain } from '../../processor/src/domains/sensor/onnx/sensor-chain-scorer.ts';

const dir = process.argv[2] ?? fileURLToPath(new URL('../../models/sensor-chain/1', import.meta.url));
const seconds = Number(process.argv[3] ?? 3);
const scorer = await loadSensorChain(dir);
const parity = JSON.parse(await readFile(`${dir}/parity.json`, 'utf8')) as { inputs: number[][] };
// Realistic rows: the parity rows, repeated with a little noise, in a shuffled order.
const pool: number[][] = [];
for (let i = 0; i < 20_000; i++) {
  const base = parity.inputs[(i * 7919) % parity.inputs.length]!;
  pool.push(base.map((v, j) => (j < 3 ? v * (1 + ((i % 13) - 6) * 1e-3) : v)));
}
for (const size of [1, 100, 1000]) {
  let rows = 0;
  let offset = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    if (offset + size > pool.length) offset = 0;
    await scorer.scoreBatch(pool.slice(offset, offset + size));
    offset += size;
    rows += size;
  }
  const rate = rows / ((performance.now() - start) / 1000);
  const cpu = process.cpuUsage(cpu0);
  // Per CPU-second as well: on a shared machine the wall-clock rate depends on the neighbours.
  const perCpu = rows / ((cpu.user + cpu.system) / 1e6);
  console.log(
    `batch ${String(size).padStart(4)}: ${Math.round(rate).toLocaleString('en')} rows/s wall, ` +
      `${Math.round(perCpu).toLocaleString('en')} rows per CPU-second`,
  );
}
await scorer.release();
