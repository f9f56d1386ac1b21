import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { setCookie } from 'hono/cookie';
import { allowedHostSet, hostAllowed, presentedToken, sameOriginRequest, tokenCookieName, tokenMatches } from './request-checks.ts';

export interface HttpAccess {
  /** The bearer token (config http.token, or the data dir's generated one). */
  token: string;
  /** Interface the server binds (its name is allowed as Host). */
  boundHost: string;
  /** Extra Host names (config http.allowedHosts); '*' = any. */
  allowedHosts: readonly string[];
  /** /metrics asks for the token too. */
  metricsNeedToken: boolean;
  /** Largest request body under /api, bytes. */
  maxBodyBytes: number;
  /** Where an operator finds the token; quoted in every 401. */
  tokenHint: string;
}

const COOKIE_MAX_AGE_S = 30 * 24 * 3600;

/**
 * Who may talk to the server, as middleware registered before every route: Host (DNS
 * rebinding), the token (API, /metrics, details of /health), Origin (CSRF), JSON-only POST
 * bodies of bounded size. The UI's static files are open: they hold no data. A browser gets
 * the token once, from the URL `vigia up` prints (`/?token=…`), as an HttpOnly SameSite=Strict
 * cookie; its fetches and its socket.io handshake then carry it (same origin).
 */
export function installAccessGuard(app: Hono, access: HttpAccess): void {
  const hosts = allowedHostSet(access.boundHost, access.allowedHosts);
  const needsToken = (path: string) => path === '/api' || path.startsWith('/api/') || (path === '/metrics' && access.metricsNeedToken);
  const authenticated = (c: Context) =>
    tokenMatches(presentedToken({ authorization: c.req.header('authorization'), cookie: c.req.header('cookie') }, tokenCookieName(c.req.header('host'))), access.token);

  app.use('*', async (c, next) => {
    if (!hostAllowed(c.req.header('host'), hosts)) {
      return c.text(`Host '${c.req.header('host') ?? ''}' is not served here (DNS-rebinding guard). Add its name to http.allowedHosts (env VIGIA_HTTP_ALLOWED_HOSTS).\n`, 421);
    }
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'no-referrer');
  });

  // The browser's way in: `/?token=…` sets the cookie and reloads the page without the token,
  // so it leaves the address bar and the history.
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const offered = url.searchParams.get('token');
    if (c.req.method !== 'GET' || offered === null || needsToken(c.req.path)) return next();
    if (!tokenMatches(offered, access.token)) return c.text(`That token is wrong. ${access.tokenHint}\n`, 401);
    setCookie(c, tokenCookieName(c.req.header('host')), offered, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: COOKIE_MAX_AGE_S });
    url.searchParams.delete('token');
    c.header('Cache-Control', 'no-store');
    return c.redirect(url.pathname + url.search, 303);
  });

  app.use('*', async (c, next) => {
    const guarded = needsToken(c.req.path) || c.req.path === '/health' || (c.req.method !== 'GET' && c.req.method !== 'HEAD');
    const sameOrigin = sameOriginRequest({ origin: c.req.header('origin'), host: c.req.header('host'), secFetchSite: c.req.header('sec-fetch-site') });
    if (guarded && !sameOrigin) return c.json({ error: 'cross-origin request refused: the API answers only pages it served itself' }, 403);
    if (needsToken(c.req.path) && !authenticated(c)) {
      c.header('WWW-Authenticate', 'Bearer realm="vigia"');
      return c.json({ error: `missing or wrong access token. ${access.tokenHint}` }, 401);
    }
    return next();
  });

  // Liveness probes need no token, but only a caller with the token learns what is wrong.
  app.use('/health', async (c, next) => {
    await next();
    if (authenticated(c)) return;
    const body = (await c.res
      .clone()
      .json()
      .catch(() => ({}))) as { status?: unknown };
    c.res = new Response(JSON.stringify({ status: body.status ?? 'unknown' }), { status: c.res.status, headers: { 'content-type': 'application/json' } });
  });

  app.use('/api/*', async (c, next) => {
    // A GET that runs SQL is one <img> away from CSRF, and its query lands in logs and history.
    if (c.req.path === '/api/sql' && c.req.method !== 'POST') {
      c.header('Allow', 'POST');
      return c.json({ error: 'send the SQL as POST /api/sql with {"query": "SELECT …"} (content-type: application/json)' }, 405);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
      return c.json({ error: 'the API reads JSON bodies only: send content-type: application/json' }, 415);
    }
    return next();
  });
  app.use('/api/*', bodyLimit({ maxSize: access.maxBodyBytes, onError: (c) => c.json({ error: `request body over ${access.maxBodyBytes} bytes (http.maxBodyBytes)` }, 413) }));
}
