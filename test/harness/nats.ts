import { join } from 'node:path';
import { startNatsServer, type RunningNatsServer } from '../../stack/nats-server.ts';

/** A real nats-server with JetStream on a random port in `dir` (fails clearly when missing). */
export function startTestNats(dir: string): Promise<RunningNatsServer> {
  return startNatsServer({ port: 0, dir: join(dir, 'nats'), allowInstall: false });
}
