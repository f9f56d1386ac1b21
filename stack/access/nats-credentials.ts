import { withNatsCredentials } from '../../nats/index.ts';
import { loadOrCreateSecret, readSecret } from './secret-file.ts';

/** The one user of the nats-server `vigia up` starts. */
export const LOCAL_NATS_USER = 'vigia';
const FILE = 'nats-password';

interface NatsUrlConfig {
  dataDir: string;
  nats: { url?: string | undefined; port: number };
}

/** Password of the local nats-server's user: generated on first start into the data dir. */
export function loadOrCreateLocalNatsPassword(dataDir: string): string {
  return loadOrCreateSecret(dataDir, FILE);
}

/**
 * The URL a client connects to: a flag, else `nats.url` (NATS_URL, credentials inside), else
 * the local server `vigia up` starts, with the user and password from the data dir.
 */
export function natsUrlFor(config: NatsUrlConfig, flag?: string): string {
  if (flag) return flag;
  if (config.nats.url) return config.nats.url;
  const local = `nats://127.0.0.1:${config.nats.port}`;
  const password = readSecret(config.dataDir, FILE);
  return password ? withNatsCredentials(local, LOCAL_NATS_USER, password) : local;
}
