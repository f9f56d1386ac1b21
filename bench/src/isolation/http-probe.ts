import { summarize, type LatencySummary } from './latency-summary.ts';

export interface HttpProbeFigure extends LatencySummary {
  path: string;
  /** Answers that were not 2xx, or requests that failed or passed the timeout. */
  failures: number;
  /** Requests still unanswered after timeoutMs (counted as failures, their time as timeoutMs). */
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
  let failures = 0;
  let timeouts = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      try {
        const res = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(opts.timeoutMs) });
        await res.arrayBuffer();
        if (!res.ok) failures++;
        times.push(performance.now() - t0);
      } catch (err) {
        failures++;
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
      return { path, ...summarize(times), failures, timeouts };
    },
  };
}
