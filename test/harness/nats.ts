import { join } from 'node:path';
import { startNatsServer, type RunningNatsServer } from '../../stack/nats-server.ts';
import { reapKillAtEnd } from './reaper.ts';

/**
 * A real nats-server with JetStream in `dir` (fails clearly when missing), on a random port or
 * on `port` (to restart a server where clients expect it). Killed at the end of the test file
 * if the test did not stop it.
 */
export async function startTestNats(dir: string, port = 0): Promise<RunningNatsServer> {
  const server = await startNatsServer({ port, dir: join(dir, 'nats'), allowInstall: false });
  const forget = reapKillAtEnd(server.kill);
  return {
    ...server,
    stop: async () => {
      await server.stop();
      forget();
    },
    kill: () => {
      server.kill();
      forget();
    },
  };
}
