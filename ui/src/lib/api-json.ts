// One GET of a processor read model, validated with its contract before the UI trusts it: every
// domain's API client goes through it. A failed or malformed answer becomes the domain's
// ApiError subclass, carrying the HTTP status (0 when no answer came) and a message a user can
// act on; an abort stays an AbortError so callers can tell a cancelled request from a failure.
import { z } from 'zod';
import type { FetchLike } from './fetch-like.ts';

/** The request or its answer failed; `status` is the HTTP status, 0 when no answer came. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly url: string,
    /** HTTP status; 0 when the processor could not be reached. */
    readonly status: number,
  ) {
    super(message);
  }
}

export interface ApiOptions {
  /** Default: the page's `fetch`. */
  fetch?: FetchLike;
  /** Prefix of every URL, e.g. `http://host:8080`. Default `''` (same origin as the page). */
  baseUrl?: string;
  signal?: AbortSignal;
}

type ApiErrorClass = new (message: string, url: string, status: number) => ApiError;

/** GET `path` and parse the JSON answer with `schema`; failures throw `errorClass`. */
export async function getJson<T>(path: string, schema: z.ZodType<T>, options: ApiOptions, errorClass: ApiErrorClass = ApiError, init?: Parameters<FetchLike>[1]): Promise<T> {
  const doFetch = options.fetch ?? ((url, i) => fetch(url, i));
  const url = `${options.baseUrl ?? ''}${path}`;
  let res: Awaited<ReturnType<FetchLike>>;
  try {
    res = await doFetch(url, { ...init, signal: options.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new errorClass(`Could not reach the processor at ${url}: ${(err as Error).message}`, url, 0);
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const reason = (body as { error?: unknown } | undefined)?.error;
    throw new errorClass(`${url} answered ${res.status}${typeof reason === 'string' ? `: ${reason}` : ''}`, url, res.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new errorClass(`${url} answered in an unexpected shape:\n${z.prettifyError(parsed.error)}`, url, res.status);
  return parsed.data;
}
