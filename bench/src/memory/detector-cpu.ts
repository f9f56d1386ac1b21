// CPU per reading of the sensor detector, offline, to check that a state-layout change costs no
// speed: node --import tsx bench/src/memory/detector-cpu.ts [--stations 20] [--readings 8000]
// Simulated gas-network stations, one reading a minute; the readings are generated first, then
// scored twice by fresh detectors (the first pass warms the JIT; the second is the figure).
// process.cpuUsage, not wall time: on a shared machine it is the less noisy of the two, but run
// it a few times, alternating with the build it is compared with.
import { createGasNetwork } from '../../../producers/src/sensor/gas-network.ts';
import { createSensorDetector } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1]! : d;
};
const sim = createGasNetwork({ stations: Number(arg('--stations', '20')), seed: 1, faultRate: 1, startTs: Date.UTC(2024, 0, 8), stepMs: 60_000 });
const ticks = Array.from({ length: Number(arg('--readings', '8000')) }, () => sim.nextTick());
for (const pass of ['warm-up', 'measured']) {
  const det = createSensorDetector();
  const c0 = process.cpuUsage();
  let n = 0;
  for (const tick of ticks) {
    for (const r of tick) {
      det.score(r.station, r.ts, r.channels);
      n++;
    }
  }
  const c = process.cpuUsage(c0);
  console.log(`${pass}: ${((c.user + c.system) / n).toFixed(2)} µs CPU per reading (${n} readings)`);
}
