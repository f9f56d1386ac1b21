// /health's stall clock on a real processor: a domain that was idle longer than the stall limit
// and then gets events is not "stalled" before it could commit them (the clock starts at the
// oldest waiting event's arrival, not the last commit), and is once they have waited past the
// limit with the store down. Real nats-server and chDB; the outage is injected at the store
// adapter from the first write (VIGIA_FAULT_STORE_OUTAGE=0:ms).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess, waitFor } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';
import { runVigia } from '../harness/run-cli.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'vigia.js');
const STALL_S = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: ReturnType<typeof tempDir>;
before(() => {
  dir = tempDir('health-after-idle');
});
after(() => dir?.remove());

interface Health {
  status: number;
  sensor: { ok: boolean; detail: string } | undefined;
}

test('events after an idle spell longer than the stall limit are not stalled at once; stuck past the limit they are', async () => {
  const nats = await startTestNats(dir.path);
  writeFileSync(join(dir.path, 'vigia.json'), JSON.stringify({ processor: { stallAfterSeconds: STALL_S } }));
  const proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path, env: { VIGIA_FAULT_STORE_OUTAGE: `0:${(3 * STALL_S + 5) * 1000}`, VIGIA_CONFIG: join(dir.path, 'vigia.json') } });
  const health = async (): Promise<Health> => {
    const res = await proc.fetch('/health');
    const body = (await res.json()) as { checks: Record<string, { ok: boolean; detail: string }> };
    return { status: res.status, sensor: body.checks['domain:sensor'] };
  };
  try {
    // Idle for longer than the limit: nothing waits, so healthy.
    await sleep((STALL_S + 1) * 1000);
    const idle = await health();
    assert.equal(idle.sensor?.ok, true, JSON.stringify(idle));

    const produced = await runVigia(['produce', 'sensor', '--count', '50', '--rate', '1000', '--stations', '4', '--seed', '5', '--start', '2026-06-01T00:00:00Z', '--nats-url', nats.url]);
    assert.equal(produced.status, 0, produced.stderr);
    const arrived = await waitFor(health, (h) => /lag [1-9]/.test(h.sensor?.detail ?? '') || h.sensor?.ok === false, 5_000, 'the events to be seen waiting');
    assert.equal(arrived.sensor?.ok, true, `just arrived, not yet stalled: ${JSON.stringify(arrived)}`);
    assert.match(arrived.sensor!.detail, /^lag [1-9]\d*; no batch committed since start/);

    // The store stays down: once they have waited past the limit, the domain is stalled.
    const stuck = await waitFor(health, (h) => h.sensor?.ok === false, (STALL_S + 5) * 1000, 'a stall after the limit');
    assert.equal(stuck.status, 503);
    assert.match(stuck.sensor!.detail, /stalled: \d+ event\(s\) waiting/);
  } finally {
    await proc.stop();
    await nats.stop();
  }
});
