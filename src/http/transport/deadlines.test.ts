import { createDeadlines } from './deadlines';

describe('createDeadlines', () => {
  let clock = 0;
  const now = () => clock;
  const advance = (ms: number) => {
    clock += ms;
    jest.advanceTimersByTime(ms);
  };
  beforeEach(() => {
    jest.useFakeTimers();
    clock = 0;
  });
  afterEach(() => jest.useRealTimers());

  it('expires each pending entry at its own deadline, in order, and never one that was removed', () => {
    const expired: string[] = [];
    const entry = (name: string) => ({ expire: () => expired.push(name) });
    const deadlines = createDeadlines(1000, now);
    const [a, b, c] = [entry('a'), entry('b'), entry('c')];
    deadlines.add(a);
    advance(400);
    deadlines.add(b);
    deadlines.add(c);
    deadlines.remove(c);
    advance(599);
    expect(expired).toEqual([]);
    advance(1);
    expect(expired).toEqual(['a']);
    advance(399);
    expect(expired).toEqual(['a']);
    advance(1);
    expect(expired).toEqual(['a', 'b']);
    advance(5000);
    expect(expired).toEqual(['a', 'b']);
  });

  it('reuses its timer: an entry added long after the last one still expires on time', () => {
    const expired: number[] = [];
    const deadlines = createDeadlines(1000, now);
    const first = { expire: () => expired.push(1) };
    deadlines.add(first);
    advance(10);
    deadlines.remove(first);
    advance(900);
    deadlines.add({ expire: () => expired.push(2) });
    advance(999);
    expect(expired).toEqual([]);
    advance(1);
    expect(expired).toEqual([2]);
  });
});

describe('createDeadlines keeps the process alive only while an attempt is pending', () => {
  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

  it('its timer is ref’d while something is pending and unref’d when nothing is', () => {
    const before = timers();
    const deadlines = createDeadlines(60_000);
    const entry = { expire: () => undefined };
    deadlines.add(entry);
    expect(timers()).toBe(before + 1);
    deadlines.remove(entry);
    expect(timers()).toBe(before);
    deadlines.add(entry);
    expect(timers()).toBe(before + 1);
    deadlines.remove(entry);
    expect(timers()).toBe(before);
  });
});
