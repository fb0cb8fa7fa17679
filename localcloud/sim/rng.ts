/** mulberry32: a tiny seeded PRNG, so ids, fault injection and prices repeat for a given seed. */
export interface Rng {
  next(): number;
  hex(length: number): string;
  alnum(length: number): string;
  /** The generator's position: makeRng(state()) continues the same sequence (persistence). */
  state(): number;
}

export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  return {
    next,
    hex: (length) => pick('0123456789abcdef', length),
    alnum: (length) => pick('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', length),
    state: () => a,
  };
}
