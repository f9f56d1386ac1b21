import type { VigiaConfig } from '../config/index.ts';
import { readHttpToken } from '../stack/access/http-token.ts';

/**
 * Headers that let a CLI command through the running stack's API: its token from http.token /
 * VIGIA_TOKEN, else the data dir the stack wrote it to. None when there is no token (the
 * server's 401 then says where to find one).
 */
export function stackAuthHeaders(config: Pick<VigiaConfig, 'dataDir' | 'http'>): Record<string, string> {
  const token = readHttpToken(config);
  return token ? { authorization: `Bearer ${token}` } : {};
}
