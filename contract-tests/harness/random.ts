// A seeded PRNG (mulberry32) so fuzz runs are the same on every machine and every run.
export function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number): number => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  /** Text mixing ASCII, accented Latin, CJK, emoji and characters that matter to the signing string. */
  const text = (length = 1 + int(12)): string => {
    const alphabet = ['a', 'Z', '7', ' ', '=', '&', '.', '-', 'é', 'ü', 'ß', '中', '文', '自', '営', '😀', 'Ж', '"', '\\'];
    return Array.from({ length }, () => pick(alphabet)).join('');
  };
  return { next, int, pick, text };
}
