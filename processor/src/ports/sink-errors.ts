/**
 * A sink write that can never succeed as it is — a message over the broker's max_payload, a
 * value the sink refuses — as opposed to a transient failure (a broker or store down, a
 * timeout) that a retry will get through. Retrying a permanent failure would hold the batch's
 * acks, hence the whole partition, forever. Adapters raise it; the pipeline does not retry it.
 */
export class PermanentSinkError extends Error {
  override name = 'PermanentSinkError';
  constructor(
    /** Which sink refused (`dlq`, `alerts`, …). */
    readonly sink: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isPermanentSinkError(err: unknown): err is PermanentSinkError {
  return err instanceof PermanentSinkError;
}
