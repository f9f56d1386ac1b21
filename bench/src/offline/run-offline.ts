// Fast offline benchmark of the sensor detector (no NATS, no store):
//   node --import tsx bench/src/offline/run-offline.ts [--nab DIR] [--skab DIR] [--sim] [--files] [--detector JSON]
// Prints NAB per profile (threshold, per-file raw at the standard threshold with --files), SKAB
// F1/FAR/MAR (per file with --files) and, with --sim, the gas-network simulator figures.
import { createSensorDetector, type SensorDetectorOptions } from '../../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { evaluateOnGasNetwork } from '../../../processor/src/domains/sensor/evaluate-on-gas-network.ts';
import { loadNab, loadSkab } from './offline-data.ts';
import { evaluateNab, evaluateSkab } from './offline-eval.ts';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1]! : d;
};
const nabDir = arg('--nab', '/work/shared/data/nab');
const skabDir = arg('--skab', '/work/shared/data/skab/valve1');
const opts = JSON.parse(arg('--detector', '{}')) as SensorDetectorOptions;
const perFile = args.includes('--files');
const make = () => createSensorDetector(opts);

let t = performance.now();
const nab = loadNab(nabDir);
const nabRes = evaluateNab(nab, make);
for (const [name, r] of Object.entries(nabRes.profiles)) {
  console.log(`NAB ${name.padEnd(20)} ${r.score.toFixed(2).padStart(7)}  (threshold ${r.threshold.toFixed(4)}, raw ${r.raw.toFixed(2)}, null ${r.nullRaw.toFixed(2)})`);
}
if (perFile) {
  for (const f of nabRes.profiles['standard']!.perFile) {
    const fp = nabRes.profiles['reward_low_FP_rate']!.perFile.find((x) => x.name === f.name)!;
    console.log(
      `  ${f.name.padEnd(58)} raw ${f.raw.toFixed(2).padStart(6)}  win ${f.windowsDetected}/${f.windowsScored}/${f.windows}  fp ${String(f.falsePositives).padStart(3)}   | lowFP raw ${fp.raw.toFixed(2).padStart(6)} win ${fp.windowsDetected}/${fp.windowsScored} fp ${fp.falsePositives}`,
    );
  }
}
const nabSec = (performance.now() - t) / 1000;
t = performance.now();
const skab = evaluateSkab(loadSkab(skabDir), make);
console.log(`SKAB F1 ${skab.f1.toFixed(3)}  FAR ${(100 * skab.far).toFixed(2)} %  MAR ${(100 * skab.mar).toFixed(2)} %  (tp ${skab.tp} fp ${skab.fp} fn ${skab.fn} tn ${skab.tn})`);
if (perFile) for (const f of skab.perFile) console.log(`  ${f.name.padEnd(8)} tp ${f.tp} fp ${f.fp} fn ${f.fn} tn ${f.tn}`);
const skabSec = (performance.now() - t) / 1000;
console.log(`(NAB ${nabSec.toFixed(1)} s, SKAB ${skabSec.toFixed(1)} s)`);
if (args.includes('--sim')) {
  t = performance.now();
  const f = evaluateOnGasNetwork({ detector: opts, seeds: arg('--seeds', '1,2,3').split(',').map(Number), days: Number(arg('--days', '14')) });
  const kinds = Object.entries(f.kinds).map(([k, v]) => `${k} ${(100 * v.recall).toFixed(0)}% (med ${v.medianDelayTicks})`).join(', ');
  console.log(`SIM ${kinds}; false alarms/station-day ${f.falseAlarmReadingsPerStationDay.toFixed(3)} readings, ${f.falseAlarmRunsPerStationDay.toFixed(3)} runs  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
}
