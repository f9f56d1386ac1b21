import { loadOrCreateSecret, readSecret, secretPath } from './secret-file.ts';

const FILE = 'http-token';

interface TokenConfig {
  dataDir: string;
  http: { token?: string | undefined };
}

/**
 * The token the HTTP API, socket.io and /metrics ask for: `http.token` (env VIGIA_TOKEN), else
 * the data dir's, generated on first start and reused after. The processor and `vigia up`
 * both call this; whichever runs first creates it.
 */
export function loadOrCreateHttpToken(config: TokenConfig): string {
  return config.http.token ?? loadOrCreateSecret(config.dataDir, FILE);
}

/** For clients (CLI, harness): the same token, never created (no stack → no token yet). */
export function readHttpToken(config: TokenConfig): string | undefined {
  return config.http.token ?? readSecret(config.dataDir, FILE);
}

export function httpTokenPath(dataDir: string): string {
  return secretPath(dataDir, FILE);
}

/** Where to find the token, for refusals (no absolute path: unauthenticated clients read it). */
export const HTTP_TOKEN_HINT =
  'Send "Authorization: Bearer <token>" (browsers: open the URL `vigia up` prints, which ends in ?token=…). ' +
  'The token is http.token / VIGIA_TOKEN when set, else the file access/http-token in the processor’s data dir.';
