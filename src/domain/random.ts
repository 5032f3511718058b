/** A source of uniform numbers in [0, 1). The domain never reads `Math.random`: it is given one of these. */
export interface Random {
  next(): number;
}

/**
 * A seeded generator (mulberry32): small, fast, and the same sequence for the same seed on every
 * platform, so a simulation replays byte for byte. Not for cryptography.
 */
export function createSeededRandom(seed: number): Random {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** A uniform integer in [0, bound). */
export function drawIndex(random: Random, bound: number): number {
  return Math.floor(random.next() * bound);
}

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function shuffleInPlace<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = drawIndex(random, i + 1);
    const held = items[i] as T;
    items[i] = items[j] as T;
    items[j] = held;
  }
  return items;
}
