import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningNatsServer } from '../../stack/nats-server.ts';
import { startTestNats } from '../harness/nats.ts';
import { startProcessorProcess } from '../harness/processor-process.ts';
import { tempDir } from '../harness/temp-dir.ts';

// The same SQL API through the real `vigia processor` (its wiring, its config, its HTTP server),
// as the harness, the benches and `vigia sql` reach it.

let dir: ReturnType<typeof tempDir>;
let nats: RunningNatsServer;

before(async () => {
  dir = tempDir('sql-processor');
  nats = await startTestNats(dir.path);
});
after(async () => {
  await nats?.stop();
  dir?.remove();
});

test('the processor answers /health and harness queries while an analyst query runs, then stops it at sql.maxExecutionSeconds', async () => {
  const config = join(dir.path, 'vigia.json');
  writeFileSync(config, JSON.stringify({ sql: { maxExecutionSeconds: 5 } }));
  const proc = await startProcessorProcess({ natsUrl: nats.url, dataDir: dir.path, env: { VIGIA_CONFIG: config } });
  try {
    let longAnswered = false;
    const long = proc.fetch('/api/sql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'SELECT count() FROM system.numbers' }),
    }).then(async (res) => {
      longAnswered = true;
      return { status: res.status, body: (await res.json()) as { error: string; limit: string } };
    });
    await new Promise((r) => setTimeout(r, 300));
    const health = await proc.fetch('/health');
    assert.equal(health.status, 200);
    assert.equal(longAnswered, false, '/health answered while the query ran');
    const [runs] = await proc.sql<{ n: string }>('SELECT count() AS n FROM runs FINAL');
    assert.ok(Number(runs!.n) >= 1);
    assert.equal(longAnswered, false, 'a second query answered while the first ran');
    const stopped = await long;
    assert.equal(stopped.status, 408);
    assert.match(stopped.body.error, /longer than 5 s/);
    await assert.rejects(proc.sql("SELECT * FROM file('/etc/passwd', 'LineAsString')"), /SQL failed \(400\).*file\(\)/);
  } finally {
    await proc.stop();
  }
});
