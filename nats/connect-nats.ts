import { connect, type NatsConnection } from '@nats-io/transport-node';
import { splitNatsCredentials } from './nats-url-credentials.ts';

export interface ConnectNatsOptions {
  /** One URL, or several separated by commas (a cluster); credentials ride in it (`nats://user:pass@host`). */
  url: string;
  /** Client name shown in the server's connection list. */
  name: string;
  /** Give up on the first connect after this long, ms. @default 10000 */
  timeoutMs?: number;
}

/** Connect and keep reconnecting forever: a restarted nats-server must not end the process. */
export async function connectNats(opts: ConnectNatsOptions): Promise<NatsConnection> {
  const { servers, user, pass, token } = splitNatsCredentials(opts.url);
  return connect({
    servers,
    ...(user !== undefined ? { user, pass } : {}),
    ...(token !== undefined ? { token } : {}),
    name: opts.name,
    timeout: opts.timeoutMs ?? 10_000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
}
