// The run's pace: Retry-After read as seconds or as a date (on the given clock), 1 s doubling without one;
// the gate holds every call while a wait runs; at most `limit` calls at once, one after the first 429.
import { RateGate, rateLimitWaitMs, runPool } from '../../src/testing/verify/rate-limit';

it('reads Retry-After as seconds or an HTTP date, else waits 1 s doubling', () => {
  const now = () => Date.parse('2024-05-10T12:00:00Z');
  expect(rateLimitWaitMs('3', 0, now)).toBe(3000);
  expect(rateLimitWaitMs('0', 4, now)).toBe(0);
  expect(rateLimitWaitMs('Fri, 10 May 2024 12:00:30 GMT', 0, now)).toBe(30_000);
  expect(rateLimitWaitMs('Fri, 10 May 2024 11:00:00 GMT', 0, now)).toBe(0);
  expect(rateLimitWaitMs(undefined, 0, now)).toBe(1000);
  expect(rateLimitWaitMs('soon', 2, now)).toBe(4000);
});

it('runs at most `limit` at once; a 429 holds every call at the gate, then one runs at a time', async () => {
  const releases: (() => void)[] = [];
  const sleeps: (() => void)[] = [];
  const gate = new RateGate(2, () => new Promise<void>((resolve) => sleeps.push(resolve)));
  let running = 0;
  const most: number[] = [];
  const seen: number[] = [];
  const done = runPool([1, 2, 3, 4], gate, async (item) => {
    await gate.open();
    running += 1;
    most.push(running);
    seen.push(item);
    await new Promise<void>((resolve) => releases.push(resolve));
    running -= 1;
  });
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  await settle();
  expect(seen).toEqual([1, 2]);
  const held = gate.holdFor(500);
  releases.shift()!();
  releases.shift()!();
  await settle();
  // Item 3 was started, but waits at the gate while the hold runs; item 4 waits its turn (one at a time now).
  expect(seen).toEqual([1, 2]);
  sleeps.shift()!();
  await held;
  await settle();
  expect(seen).toEqual([1, 2, 3]);
  releases.shift()!();
  await settle();
  expect(seen).toEqual([1, 2, 3, 4]);
  releases.shift()!();
  await done;
  expect(most).toEqual([1, 2, 1, 1]);
  expect({ limit: gate.limit, hits: gate.hits }).toEqual({ limit: 1, hits: 1 });
});
