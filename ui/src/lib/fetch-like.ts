// The part of `fetch` the HTTP API clients use, so every domain's client takes the same fake
// in tests and the page's own `fetch` by default.

/** The part of `fetch` the API clients use; tests pass a fake. */
export type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
}>;
