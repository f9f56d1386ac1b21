import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { superviseChild } from './supervised-child.ts';

const fast = { initialMs: 20, maxMs: 80, resetAfterMs: 60_000 };
const node = (code: string) => spawn(process.execPath, ['-e', code], { stdio: 'ignore' });

test('a crashing child is restarted with a growing wait, and stop() ends it for good', async () => {
  const crashes: { code: number | null; restartInMs: number }[] = [];
  const sup = superviseChild({ name: 'crasher', spawn: () => node('process.exit(3)'), backoff: fast, onCrash: (c) => crashes.push(c) });
  while (crashes.length < 4) await new Promise((r) => setTimeout(r, 10));
  await sup.stop();
  assert.deepEqual(crashes.slice(0, 4).map((c) => [c.code, c.restartInMs]), [[3, 20], [3, 40], [3, 80], [3, 80]]);
  const after = crashes.length;
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(crashes.length, after, 'no restart after stop()');
});

test('kill() of a hung child brings up a new one', async () => {
  const starts: number[] = [];
  const sup = superviseChild({ name: 'hang', spawn: () => node('setInterval(() => {}, 1000)'), backoff: fast, onStart: (c) => starts.push(c.pid!) });
  await new Promise((r) => setTimeout(r, 100));
  sup.kill();
  while (starts.length < 2) await new Promise((r) => setTimeout(r, 10));
  assert.notEqual(starts[0], starts[1]);
  assert.equal(sup.restarts(), 1);
  await sup.stop();
  assert.equal(sup.current(), undefined);
});
