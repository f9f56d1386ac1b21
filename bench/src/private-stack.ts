import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VigiaConfigInput } from '../../config/index.ts';
import { startNatsServer } from '../../stack/nats-server.ts';
import { killOnExit, onProcessExit } from '../../stack/kill-on-exit.ts';
import { startProcessorProcess, type ProcessorProcess } from '../../stack/processor-process.ts';
import { tempDir } from '../../test/harness/temp-dir.ts';

export interface PrivateStack {
  natsUrl: string;
  proc: ProcessorProcess;
  /** The temp folder (the processor's log is `processor.log` in it), removed by stop(). */
  dataDir: string;
  /** Stop the processor and nats-server and delete the folder. */
  stop(): Promise<void>;
}

/**
 * What a bench runs against unless pointed at a running stack: a nats-server with JetStream and
 * `vigia processor` (chDB) in a temp folder, with the given configuration on top of the
 * defaults — the same code as live.
 */
export async function startPrivateStack(name: string, config: VigiaConfigInput, extraEnv: Record<string, string> = {}): Promise<PrivateStack> {
  const dir = tempDir(name);
  // Whatever ends the bench (an uncaught error, Ctrl-C), its private servers end with it.
  const forgetDir = onProcessExit(() => dir.remove());
  const nats = await startNatsServer({ port: 0, dir: join(dir.path, 'nats'), allowInstall: true });
  const forgetNats = killOnExit(nats.pid);
  writeFileSync(join(dir.path, 'vigia.json'), JSON.stringify(config));
  let forgetProc = () => {};
  const proc = await startProcessorProcess({
    natsUrl: nats.url,
    dataDir: dir.path,
    env: { VIGIA_CONFIG: join(dir.path, 'vigia.json'), VIGIA_LOG_LEVEL: 'warn', ...extraEnv },
    onSpawn: (child) => (forgetProc = killOnExit(child.pid!)),
  });
  return {
    natsUrl: nats.url,
    proc,
    dataDir: dir.path,
    async stop() {
      await proc.stop();
      forgetProc();
      await nats.stop();
      forgetNats();
      dir.remove();
      forgetDir();
    },
  };
}
