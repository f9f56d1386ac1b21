// Float64 arrays in detector snapshots as base64 of their bytes: exact (every bit of every double
// survives, NaN and -0 included) and about half the text of a JSON list of full-precision
// doubles (10.7 characters a value against ~19). Little-endian, as on every platform Node runs on.

export class Float64Base64Error extends Error {
  override name = 'Float64Base64Error';
}

export function encodeF64(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Decodes `encodeF64`'s text into a fresh (aligned) array; `what` names the field in the error. */
export function decodeF64(s: string, what: string): Float64Array {
  const b = Buffer.from(s, 'base64');
  if (b.byteLength % 8 !== 0) throw new Float64Base64Error(`${what}: ${b.byteLength} bytes of base64 is not a whole number of doubles; the snapshot is damaged, start with fresh state`);
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}
