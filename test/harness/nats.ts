import { join } from 'node:path';
import { startNatsServer, type RunningNatsServer } from '../../stack/nats-server.ts';
import { loadOrCreateLocalNatsPassword } from '../../stack/access/nats-credentials.ts';
import { reapKillAtEnd } from './reaper.ts';

/**
 * A real nats-server with JetStream in `dir` (fails clearly when missing), on a random port or
 * on `port` (to restart a server where clients expect it). Killed at the end of the test file
 * if the test did not stop it. Like `vigia up`'s, it asks for the password kept in
 * `<dir>/access/nats-password` (so a restart in the same dir keeps it); `url` carries it.
 */
export async function startTestNats(dir: string, port = 0): Promise<RunningNatsServer> {
  const server = await startNatsServer({ port, dir: join(dir, 'nats'), allowInstall: false, password: loadOrCreateLocalNatsPassword(dir) });
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
