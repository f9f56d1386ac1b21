import { randomUUID } from 'node:crypto';

/** An id no other test (or earlier run against the same server or store) has used. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
