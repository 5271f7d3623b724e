// A seeded PRNG (the sandbox's mulberry32) so fuzz runs are the same on every machine and every run.
import { mulberry32 } from '../../src/testing/sandbox/ids';

export function seededRandom(seed: number) {
  const next = mulberry32(seed);
  const int = (max: number): number => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  /** Text mixing ASCII, accented Latin, CJK, emoji and characters that matter to the signing string. */
  const text = (length = 1 + int(12)): string => {
    const alphabet = ['a', 'Z', '7', ' ', '=', '&', '.', '-', 'é', 'ü', 'ß', '中', '文', '自', '営', '😀', 'Ж', '"', '\\'];
    return Array.from({ length }, () => pick(alphabet)).join('');
  };
  return { next, int, pick, text };
}
