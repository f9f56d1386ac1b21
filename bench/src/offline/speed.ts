// Throughput of the sensor detector: readings/s for one station with 4 noisy daily channels.
//   node --import tsx bench/src/offline/speed.ts [--detector JSON] [--n READINGS]
import { createSensorDetector, type SensorDetectorOptions } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => (args.includes(k) ? args[args.indexOf(k) + 1]! : d);
const det = createSensorDetector(JSON.parse(arg('--detector', '{}')) as SensorDetectorOptions);
const n = Number(arg('--n', '200000'));
let s = 12345;
const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648), s / 2147483648 - 0.5);
const rec: Record<string, number> = {};
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const day = Math.sin((2 * Math.PI * i) / 1440);
  rec['pressure'] = 4 + 0.2 * day + 0.01 * rnd();
  rec['flow'] = 100 + 30 * day + rnd();
  rec['temperature'] = 10 + 3 * day + 0.1 * rnd();
  rec['valve'] = 50 + 0.5 * rnd();
  det.score('s1', i * 60_000, rec);
}
const sec = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
// Per CPU-second as well: on a shared machine the wall-clock rate depends on the neighbours.
const cpuSec = (cpu.user + cpu.system) / 1e6;
console.log(`${n} readings in ${sec.toFixed(2)} s: ${Math.round(n / sec)} readings/s, ${Math.round(n / cpuSec)} per CPU-second (4 channels)`);
