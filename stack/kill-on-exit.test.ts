import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MODULE = fileURLToPath(new URL('./kill-on-exit.ts', import.meta.url));

/** A parent that starts a long-lived child, registers it, prints its pid, then ends by `how`. */
function parent(how: 'throw' | 'wait'): { pid: Promise<number>; exited: Promise<number | null>; kill: (s: NodeJS.Signals) => void } {
  const script = `
    import { spawn } from 'node:child_process';
    import { killOnExit } from ${JSON.stringify(MODULE)};
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    killOnExit(child.pid);
    console.log(child.pid);
    ${how === 'throw' ? "setTimeout(() => { throw new Error('bench failed'); }, 100);" : 'setInterval(() => {}, 1000);'}
  `;
  const p = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pid = new Promise<number>((r) => createInterface({ input: p.stdout! }).once('line', (l) => r(Number(l))));
  const exited = new Promise<number | null>((r) => p.once('exit', (code) => r(code)));
  return { pid, exited, kill: (s) => p.kill(s) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

test('an uncaught error in the parent kills the registered child', async () => {
  const p = parent('throw');
  const pid = await p.pid;
  assert.equal(alive(pid), true);
  assert.notEqual(await p.exited, 0);
  assert.equal(await gone(pid), true, `child ${pid} outlived its parent`);
});

test('SIGTERM and SIGINT of the parent kill the registered child', async () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const p = parent('wait');
    const pid = await p.pid;
    p.kill(signal);
    await p.exited;
    assert.equal(await gone(pid), true, `child ${pid} outlived its parent after ${signal}`);
  }
});
