/** A command was called with options that cannot work; the message says what to change. */
export class UsageError extends Error {
  override name = 'UsageError';
}
