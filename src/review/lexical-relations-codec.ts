// Number lists of the generated WordNet table, packed into plain ASCII so the
// table is an ordinary string literal: no JSON import (Workers, Node's type
// stripping and vitest disagree on import attributes) and no base64 step.
//
// Each number is written in base 32, most significant digit first: every digit
// but the last from CONTINUATION, the last from FINAL. Neither range holds `"`
// or `\`, so a string literal needs no escapes.
const CONTINUATION = 35; // "#" … "B"
const FINAL = 93; // "]" … "|"

export function encodeNumbers(numbers: readonly number[]): string {
  let out = "";
  for (const number of numbers) {
    if (!Number.isInteger(number) || number < 0 || number >= 2 ** 31) throw new RangeError(`cannot encode ${number}`);
    const digits: number[] = [];
    let rest = number;
    do {
      digits.push(rest % 32);
      rest = Math.floor(rest / 32);
    } while (rest > 0);
    for (let i = digits.length - 1; i > 0; i--) out += String.fromCharCode(CONTINUATION + (digits[i] ?? 0));
    out += String.fromCharCode(FINAL + (digits[0] ?? 0));
  }
  return out;
}

export function decodeNumbers(text: string): Int32Array {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= FINAL) count++;
  const out = new Int32Array(count);
  let value = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= FINAL) {
      out[n++] = value * 32 + (code - FINAL);
      value = 0;
    } else {
      value = value * 32 + (code - CONTINUATION);
    }
  }
  return out;
}
