import { createHash, timingSafeEqual } from 'node:crypto';

// The checks shared by the HTTP routes and the socket.io handshake: pure functions of a
// request's headers, so both transports refuse exactly the same requests.

/** Host names every server answers to, whatever it is bound to. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Allowed host names: the loopback names, the bound host, and the configured extra ones. '*' = any. */
export function allowedHostSet(boundHost: string, extra: readonly string[]): ReadonlySet<string> | '*' {
  if (extra.includes('*')) return '*';
  const names = [...LOOPBACK_NAMES, ...extra];
  // 0.0.0.0 / :: are wildcards to bind, never names a client uses.
  if (boundHost !== '0.0.0.0' && boundHost !== '::' && boundHost !== '') names.push(boundHost.includes(':') && !boundHost.startsWith('[') ? `[${boundHost}]` : boundHost);
  return new Set(names.map(normaliseHostName));
}

/** `Example.COM.:8080` → `example.com`; `[::1]:8080` → `[::1]`. */
export function hostNameOf(hostHeader: string): string {
  const h = hostHeader.trim();
  if (h.startsWith('[')) return normaliseHostName(h.slice(0, h.indexOf(']') + 1));
  const colon = h.lastIndexOf(':');
  return normaliseHostName(colon >= 0 ? h.slice(0, colon) : h);
}

function normaliseHostName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}

/**
 * DNS rebinding: a hostile name pointed at 127.0.0.1 makes the browser treat our server as
 * that name's origin; it still sends that name as Host, so a Host we do not know is refused.
 */
export function hostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string> | '*'): boolean {
  if (!hostHeader) return false;
  return allowed === '*' || allowed.has(hostNameOf(hostHeader));
}

/**
 * CSRF: a request a page of another origin makes. Browsers send Origin on every cross-origin
 * request but not on every same-origin GET, so an absent Origin is the server's own (or a
 * non-browser client); `Sec-Fetch-Site` catches the cross-site requests that carry no Origin
 * (an <img>, a <script>). Same-site other ports (127.0.0.1:9999) are foreign too.
 */
export function sameOriginRequest(headers: { origin?: string | undefined; host?: string | undefined; secFetchSite?: string | undefined }): boolean {
  const site = headers.secFetchSite?.toLowerCase();
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  if (headers.origin === undefined) return true;
  if (!headers.host) return false;
  try {
    const o = new URL(headers.origin);
    return (o.protocol === 'http:' || o.protocol === 'https:') && o.host === new URL(`http://${headers.host}`).host;
  } catch {
    return false; // includes Origin: null (sandboxed frames, file: pages)
  }
}

/** The cookie the browser flow sets; per port, because cookies do not tell ports apart. */
export function tokenCookieName(hostHeader: string | undefined): string {
  const port = /:(\d+)$/.exec(hostHeader ?? '')?.[1];
  return port ? `vigia_token_${port}` : 'vigia_token';
}

/** The token a request presents: `Authorization: Bearer …`, else the UI's cookie. */
export function presentedToken(headers: { authorization?: string | undefined; cookie?: string | undefined }, cookieName: string): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  for (const part of (headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === cookieName) return safeDecode(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Constant-time comparison (of digests, so the length leaks nothing either). */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (presented === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
