// Research probe (not part of the pipeline): per NAB file, the labelled windows (rows), the
// highest score inside each and every onset-band score (≥ --min, default 90) with its row, so one
// sees which windows are missed and where the false positives sit.
//   node --import tsx bench/probes/window-probe.ts [--detector JSON] [--min 90] [--file SUBSTR]
import { createSensorDetector, type SensorDetectorOptions } from '../../processor/src/domains/sensor/detectors/sensor-detector.ts';
import { loadNab } from '../src/offline/offline-data.ts';
import { scoreSeries } from '../src/offline/offline-eval.ts';
import { locateWindows, timestampKeys } from '../src/scoring/nab-windows.ts';
import { probationLength } from '../src/scoring/nab-rows.ts';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => (args.includes(k) ? args[args.indexOf(k) + 1]! : d);
const opts = JSON.parse(arg('--detector', '{}')) as SensorDetectorOptions;
const min = Number(arg('--min', '90'));
const only = arg('--file', '');
const nab = loadNab('/work/shared/data/nab');
for (const s of nab.series) {
  if (nab.labels[s.name] === undefined || !s.name.includes(only)) continue;
  const sc = scoreSeries(s, () => createSensorDetector(opts));
  const spans = locateWindows(s.name, timestampKeys(s.name, s.stamps), nab.labels[s.name]!);
  const P = probationLength(s.rows.length);
  const win = spans.map((w) => {
    let m = 0, at = -1;
    for (let i = w.left; i <= w.right; i++) if (sc[i]! > m) { m = sc[i]!; at = i; }
    return `[${w.left}-${w.right}] max ${m.toFixed(1)}@${at}`;
  });
  const on: string[] = [];
  for (let i = P; i < sc.length; i++) if (sc[i]! >= min) {
    const inW = spans.some((w) => i >= w.left && i <= w.right);
    on.push(`${i}${inW ? '*' : ''}:${sc[i]!.toFixed(1)}`);
  }
  console.log(`${s.name} n=${s.rows.length} P=${P}\n  windows ${win.join('  ')}\n  onsets ${on.join(' ')}`);
}
