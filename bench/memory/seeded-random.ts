/** A small seeded generator (mulberry32): the same seed gives the same corpus on every run and machine. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [low, high]. */
  integer(low: number, high: number): number;
  /** One element of a non-empty array. */
  pick<T>(values: readonly T[]): T;
  /** A shuffled copy. */
  shuffle<T>(values: readonly T[]): T[];
}

/** A seeded generator; `seed` is any 32-bit integer. */
export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  const integer = (low: number, high: number): number => low + Math.floor(next() * (high - low + 1));
  return {
    next,
    integer,
    pick<T>(values: readonly T[]): T {
      const value = values[integer(0, values.length - 1)];
      if (value === undefined) throw new RangeError('pick from an empty array');
      return value;
    },
    shuffle<T>(values: readonly T[]): T[] {
      const copy = [...values];
      for (let index = copy.length - 1; index > 0; index -= 1) {
        const other = integer(0, index);
        const held = copy[index] as T;
        copy[index] = copy[other] as T;
        copy[other] = held;
      }
      return copy;
    },
  };
}
