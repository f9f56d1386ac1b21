/** A domain worker thread failed: it threw, its pipeline failed, or it exited unasked. */
export class DomainWorkerError extends Error {
  override name = 'DomainWorkerError';
  constructor(
    readonly worker: number,
    readonly domains: readonly string[],
    message: string,
    options?: ErrorOptions,
  ) {
    super(`worker ${worker} (${domains.join(', ')}): ${message}`, options);
  }
}
