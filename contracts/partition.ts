/**
 * Stable partition of a key: FNV-1a (32-bit) modulo the partition count. Producers put it in
 * the subject; it must never change for a key, or a key's events would be split between two
 * processors and lose their order.
 */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
