/**
 * NATS credentials travel inside the URL (`nats://user:pass@host:4222`, or `nats://token@host`)
 * so that one NATS_URL configures every client; nats.js ignores URL credentials, so they are
 * taken out here and passed as options.
 */
export interface NatsServersAndAuth {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
}

export class NatsUrlCredentialsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NatsUrlCredentialsError';
  }
}

/** Split a URL list (comma-separated) into credential-free servers and one set of credentials. */
export function splitNatsCredentials(urlList: string): NatsServersAndAuth {
  const servers: string[] = [];
  let auth: Omit<NatsServersAndAuth, 'servers'> | undefined;
  let authKey: string | undefined;
  for (const raw of urlList.split(',').map((s) => s.trim()).filter(Boolean)) {
    const at = raw.lastIndexOf('@');
    const scheme = raw.indexOf('://');
    if (at < 0 || scheme < 0 || at < scheme) {
      servers.push(raw);
      continue;
    }
    const userInfo = raw.slice(scheme + 3, at);
    servers.push(raw.slice(0, scheme + 3) + raw.slice(at + 1));
    const colon = userInfo.indexOf(':');
    const these = colon < 0 ? { token: decodeURIComponent(userInfo) } : { user: decodeURIComponent(userInfo.slice(0, colon)), pass: decodeURIComponent(userInfo.slice(colon + 1)) };
    // nats.js sends one set of credentials to whichever server it reaches.
    if (authKey !== undefined && authKey !== userInfo) throw new NatsUrlCredentialsError('the NATS URLs carry different credentials; a cluster takes one user (or token) for all its servers');
    auth = these;
    authKey = userInfo;
  }
  return { servers, ...auth };
}

/** The URL list with its credentials masked, for logs and the console. */
export function redactNatsUrl(urlList: string): string {
  return urlList.replace(/(:\/\/)[^@,/]*@/g, '$1***@');
}

/** `nats://host:port` → `nats://user:pass@host:port` (each URL of a list). */
export function withNatsCredentials(urlList: string, user: string, pass: string): string {
  const info = `${encodeURIComponent(user)}:${encodeURIComponent(pass)}@`;
  return urlList
    .split(',')
    .map((u) => u.replace(/^([a-z]+:\/\/)(?:[^@,/]*@)?/, `$1${info}`))
    .join(',');
}
