// Fingerprint of the sensor detector's scores on the NAB and SKAB files, offline (no servers):
//   node --import tsx bench/src/memory/score-fingerprint.ts [--nab DIR] [--skab DIR] [--only SUBSTR]
// One line per file: its name and a SHA-256 of its score series (float64 bytes). Run it before and
// after a change to the detector's state layout: identical lines = identical verdicts, so the
// NAB/SKAB figures cannot have moved.
import { createHash } from 'node:crypto';
import { createSensorDetector } from '../../../processor/src/domain/sensor-detector.ts';
import { loadNab, loadSkab } from '../offline/offline-data.ts';
import { scoreSeries } from '../offline/offline-eval.ts';

const args = process.argv.slice(2);
const arg = (k: string, d: string): string => {
  const i = args.indexOf(k);
  return i >= 0 ? args[i + 1]! : d;
};
const only = arg('--only', '');
const series = [...loadNab(arg('--nab', '/work/shared/data/nab')).series, ...loadSkab(arg('--skab', '/work/shared/data/skab/valve1'))];
for (const s of series) {
  if (only && !s.name.includes(only)) continue;
  const scores = scoreSeries(s, () => createSensorDetector());
  const hash = createHash('sha256').update(new Uint8Array(scores.buffer)).digest('hex').slice(0, 16);
  console.log(`${s.name.padEnd(60)} ${String(scores.length).padStart(6)} ${hash}`);
}
