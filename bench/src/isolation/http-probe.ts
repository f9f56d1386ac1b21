import { summarize, type LatencySummary } from './latency-summary.ts';

export interface HttpProbeFigure extends LatencySummary {
  path: string;
  /** Answers that were not 2xx (a /health 503 says the processor judged itself unhealthy), by status. */
  non2xx: Record<string, number>;
  /** Requests that failed without an answer (connection errors, timeouts). */
  errors: number;
  /** Requests still unanswered after timeoutMs (also in errors; their time counts as timeoutMs). */
  timeouts: number;
}

export interface HttpProbe {
  /** Stop polling, wait for the request in flight, and return the figures. */
  stop(): Promise<HttpProbeFigure>;
}

/**
 * GET `path` every `everyMs` (one request at a time: a slow answer delays the next, as a user's
 * reload would) and time each until its body is read. What a browser waits for while the
 * processor is busy: /health, the page, an asset.
 */
export function startHttpProbe(baseUrl: string, token: string, path: string, opts: { everyMs: number; timeoutMs: number }): HttpProbe {
  const times: number[] = [];
  const non2xx: Record<string, number> = {};
  let errors = 0;
  let timeouts = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      try {
        const res = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(opts.timeoutMs) });
        await res.arrayBuffer();
        if (!res.ok) non2xx[res.status] = (non2xx[res.status] ?? 0) + 1;
        times.push(performance.now() - t0);
      } catch (err) {
        errors++;
        if ((err as Error).name === 'TimeoutError') {
          timeouts++;
          times.push(opts.timeoutMs);
        }
      }
      const wait = opts.everyMs - (performance.now() - t0);
      if (wait > 0 && !stopped) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { path, ...summarize(times), non2xx, errors, timeouts };
    },
  };
}
