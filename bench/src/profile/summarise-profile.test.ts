import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryOf } from './cpuprofile-categories.ts';
import { summariseProfile, type CpuProfile } from './summarise-profile.ts';

const ROOT = '/repo';
const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

// root → rxjs next → sensor-batch process → { zod parse ; JSON native → encodeJSON? no: ewma update }, plus idle and GC
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)', ''), children: [2, 6, 7] },
    { id: 2, callFrame: frame('_next', `${ROOT}/node_modules/rxjs/dist/cjs/internal/Subscriber.js`), children: [3] },
    { id: 3, callFrame: frame('process', `file://${ROOT}/processor/src/domain/sensor-batch.ts`), children: [4, 5] },
    { id: 4, callFrame: frame('inst._zod.parse', `${ROOT}/node_modules/zod/v4/core/schemas.js`), children: [] },
    { id: 5, callFrame: frame('update', `file://${ROOT}/processor/src/domains/sensor/ewma-residual.ts`), children: [8] },
    { id: 6, callFrame: frame('(idle)', ''), children: [] },
    { id: 7, callFrame: frame('(garbage collector)', ''), children: [] },
    { id: 8, callFrame: frame('exp', ''), children: [] },
  ],
  // deltas are attributed to the sample before them (as DevTools does): the first delta is dropped
  samples: [4, 8, 8, 3, 6, 7, 2],
  timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000],
  startTime: 0,
  endTime: 6000,
};

test('categories come from file names, so moved domain folders still match', () => {
  assert.equal(categoryOf(frame('update', 'file:///x/processor/src/domains/sensor/onset-novelty.ts')).name, 'sensor detector: onset-novelty');
  assert.equal(categoryOf(frame('encodeJSON', '/x/node_modules/@clickhouse/client/dist/common/data_formatter/formatter.js')).name, 'JSON serialisation of inserts');
  assert.equal(categoryOf(frame('parse', '/x/node_modules/@nats-io/nats-core/lib/parser.js')).name, 'NATS consume/ack');
  assert.equal(categoryOf(frame('JSON.parse', '')).weak, true);
});

test('a weak leaf (a native) is charged to its nearest strong caller; inclusive counts every category on the stack', () => {
  const s = summariseProfile(profile);
  const self = Object.fromEntries(s.selfByCategory.map((c) => [c.name, c.ms]));
  assert.equal(self['zod decode'], 1);
  assert.equal(self['sensor detector: ewma-residual'], 2, 'exp() under update() counts for the detector');
  assert.equal(self['batch core (sensor-batch, trip-batch, commit)'], 1);
  assert.equal(self.GC, 1);
  assert.equal(s.totalMs, 6);
  assert.equal(s.idleMs, 1);
  const incl = Object.fromEntries(s.inclusiveByCategory.map((c) => [c.name, c.ms]));
  assert.equal(incl['batch core (sensor-batch, trip-batch, commit)'], 4);
  assert.equal(incl['RxJS plumbing'], undefined, 'plumbing is on every stack: left out of the inclusive table');
  assert.equal(s.topSelf[0]!.name, 'exp ');
});
