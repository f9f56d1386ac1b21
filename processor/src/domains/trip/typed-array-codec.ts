/**
 * Typed arrays in snapshots as base64 of their bytes: exact (NaN and -0 survive, unlike JSON
 * numbers) and about a third of the size of a JSON number list. Little-endian, as every
 * platform Node runs on.
 */
export function encodeFloat64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function encodeFloat32(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function encodeUint16(a: Uint16Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export class TypedArrayDecodeError extends Error {
  override name = 'TypedArrayDecodeError';
}

function bytes(s: unknown, width: number, expectLength: number | undefined, what: string): Uint8Array {
  if (typeof s !== 'string') throw new TypedArrayDecodeError(`${what}: expected a base64 string, got ${typeof s}`);
  const b = Buffer.from(s, 'base64');
  if (b.byteLength % width !== 0) throw new TypedArrayDecodeError(`${what}: ${b.byteLength} bytes is not a multiple of ${width}`);
  if (expectLength !== undefined && b.byteLength / width !== expectLength) throw new TypedArrayDecodeError(`${what}: expected ${expectLength} values, got ${b.byteLength / width}`);
  // Copy into a fresh, aligned buffer (Buffer.from may share an unaligned pool slice).
  const out = new Uint8Array(b.byteLength);
  out.set(b);
  return out;
}

export function decodeFloat64(s: unknown, expectLength?: number, what = 'Float64Array'): Float64Array {
  return new Float64Array(bytes(s, 8, expectLength, what).buffer);
}

export function decodeFloat32(s: unknown, expectLength?: number, what = 'Float32Array'): Float32Array {
  return new Float32Array(bytes(s, 4, expectLength, what).buffer);
}

export function decodeUint16(s: unknown, expectLength?: number, what = 'Uint16Array'): Uint16Array {
  return new Uint16Array(bytes(s, 2, expectLength, what).buffer);
}
