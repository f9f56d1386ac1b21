import { connect, type NatsConnection } from '@nats-io/transport-node';

export interface ConnectNatsOptions {
  /** One URL, or several separated by commas (a cluster). */
  url: string;
  /** Client name shown in the server's connection list. */
  name: string;
  /** Give up on the first connect after this long, ms. @default 10000 */
  timeoutMs?: number;
}

/** Connect and keep reconnecting forever: a restarted nats-server must not end the process. */
export async function connectNats(opts: ConnectNatsOptions): Promise<NatsConnection> {
  return connect({
    servers: opts.url.split(','),
    name: opts.name,
    timeout: opts.timeoutMs ?? 10_000,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
  });
}
