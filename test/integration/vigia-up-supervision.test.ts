import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../stack/nats-server.ts';
import { readStackLock } from '../../stack/stack-lock.ts';
import { reapAtEnd } from '../harness/reaper.ts';
import { waitFor } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');

let dir: ReturnType<typeof tempDir>;
before(() => {
  dir = tempDir('vigia-up');
});
after(() => dir?.remove());

/**
 * The review's probe: the processor died (out of memory on a poison trip) and `vigia up` then
 * stopped the whole stack. Now a killed processor is started again and the stack stays up.
 */
test('vigia up restarts a processor that was killed, and Ctrl-C still stops everything', { timeout: 240_000 }, async () => {
  const natsPort = await freePort();
  const up = reapAtEnd(
    spawn(process.execPath, [BIN, 'up', '--no-producers', '--data-dir', dir.path, '--port', '0'], {
      env: { ...process.env, VIGIA_NATS_PORT: String(natsPort), VIGIA_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const lines: string[] = [];
  createInterface({ input: up.stdout! }).on('line', (l) => lines.push(l));
  let stderr = '';
  up.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => up.once('exit', (code) => r(code)));
  try {
    await waitFor(async () => lines.some((l) => l.includes('Vigía is up')), Boolean, 120_000, `vigia up ready (stderr: ${stderr.slice(-500)})`);
    const first = readStackLock(dir.path);
    assert.ok(first, 'the processor wrote its lock');

    process.kill(first.pid, 'SIGKILL');
    await waitFor(async () => lines.some((l) => l.startsWith('Processor restarted')), Boolean, 120_000, `the processor restarted (output: ${lines.join('\n').slice(-800)})`);
    assert.ok(lines.some((l) => /processor exited unexpectedly \(SIGKILL\); restarting in 1 s/.test(l)), lines.join('\n'));
    const second = readStackLock(dir.path);
    assert.ok(second && second.pid !== first.pid, 'a new processor owns the store');
    const health = await fetch(`${second.httpUrl}/health`);
    assert.equal(health.status, 200, await health.text());
    assert.equal(up.exitCode, null, 'vigia up is still running');
  } finally {
    up.kill('SIGINT');
  }
  assert.equal(await exited, 0);
  assert.ok(lines.includes('stopped.'), lines.join('\n'));
});
