// `String(Number(x.toPrecision(4)))` without the three conversions, for 1e-3 ≤ |x| < 1e6: the
// reason text of every driver of every reading formats a few numbers this way (fmt in
// component.ts), and the round trip through toPrecision, Number and String was most of its cost.
//
// Why it is the same text: toPrecision(4) picks the 4-digit n (1000 ≤ n < 10000) and exponent e
// with n × 10^(e−3) nearest to x (ties to the larger). Scaling |x| by an exact power of ten rounds
// once (half an ulp, ~1e-12 at 10^4), so unless the scaled value is within 1e-7 of a rounding
// boundary (a tie, or a decade edge), rounding it gives that same n. Number() of the 4-digit
// decimal gives the double nearest to it, and String() gives the shortest decimal that reads
// back as that double: the same ≤ 4 digits, since two decimals of ≤ 15 digits never share a
// double, written without exponent in this range. Every case near a boundary returns null and
// the caller formats it the slow way (four-significant.test.ts compares both on random and edge values).

const POW10 = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7];
const ZEROS = ['', '0', '00', '000'];

/** The 4-significant-digit text of x as String(Number(x.toPrecision(4))) writes it, or null when unsure. */
export function fourSignificant(x: number): string | null {
  const a = x < 0 ? -x : x;
  if (!(a >= 1e-3 && a < 1e6)) return null;
  // e with 10^e ≤ a < 10^(e+1); a wrong guess at a decade edge is caught by the range check below.
  const e = Math.floor(Math.log10(a));
  const k = 3 - e;
  if (k < -2 || k > 6) return null;
  const s = k >= 0 ? a * POW10[k]! : a / POW10[-k]!;
  if (!(s > 1000.000001 && s < 9999.499999)) return null;
  const fl = Math.floor(s);
  const frac = s - fl;
  if (frac > 0.4999999 && frac < 0.5000001) return null;
  const n = frac > 0.5 ? fl + 1 : fl;
  const digits = String(n);
  let out: string;
  if (e >= 3) out = digits + ZEROS[e - 3]!;
  else {
    // Significant digits after the point, without trailing zeros.
    let end = 4;
    while (end > 0 && digits.charCodeAt(end - 1) === 48) end--;
    if (e >= 0) out = end > e + 1 ? `${digits.slice(0, e + 1)}.${digits.slice(e + 1, end)}` : digits.slice(0, e + 1);
    else out = `0.${ZEROS[-e - 1]!}${digits.slice(0, end)}`;
  }
  return x < 0 ? `-${out}` : out;
}
