import { fileURLToPath } from 'node:url';
// Checks the scorer against NAB's published results for two detectors on the 24-file corpus
// (see /work/shared/NAB-SCORING.md). Needs the shared benchmark data; skips without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readNabLabels, readNabProfiles, readNabResults } from './nab-files.ts';
import { prepareNabCorpus, scorePreparedNabCorpus } from './nab-scorer.ts';

// The benchmark data sits beside the repository (../shared/data), as in CI.
const DATA = process.env.VIGIA_BENCH_DATA ?? fileURLToPath(new URL('../../../../shared/data', import.meta.url));
const LABELS = join(DATA, 'nab', 'nab_windows_dev.json');
const missing = existsSync(LABELS) && existsSync(join(DATA, 'nab-reference'))
  ? false
  : `NAB data not found under ${DATA} (set VIGIA_BENCH_DATA to the benchmark data dir)`;

const EXPECTED: Record<string, Record<string, number>> = {
  ARTime: { standard: 68.77, reward_low_FP_rate: 60.04, reward_low_FN_rate: 74.05 },
  windowedGaussian: { standard: 28.16, reward_low_FP_rate: 22.38, reward_low_FN_rate: 31.59 },
};

for (const [detector, expected] of Object.entries(EXPECTED)) {
  test(`${detector} reproduces NAB's published scores`, { skip: missing }, () => {
    const labels = readNabLabels(LABELS);
    const profiles = readNabProfiles(join(DATA, 'nab', 'profiles.json'));
    const files = readNabResults(join(DATA, 'nab-reference', detector), labels, detector);
    assert.equal(files.length, 24);
    const corpus = prepareNabCorpus(files);
    for (const [profile, want] of Object.entries(expected)) {
      const r = scorePreparedNabCorpus(corpus, profiles[profile]!);
      assert.equal(r.perfect, 39 * profiles[profile]!.tpWeight);
      assert.equal(Math.round(r.score * 100) / 100, want, `${detector}/${profile}: ${r.score}`);
    }
  });
}
