// Real crashes: processes (crash-child.ts) run seeded money calls through a client with a journal and are
// SIGKILLed at seeded moments: before the intent is written, between write and send, in flight (the sandbox
// stalls the call), after the answer, after the outcome is recorded, or at a random moment, recovery
// included. Each restart is a new process that recovers the journal at start-up, then runs calls of its own
// and is killed in turn. fileJournal: two lanes (own sandbox and file) of 50 restarts. redisJournal: 50
// restarts of two instances at once, so two recovering processes race for every open intent. Over all runs:
// nothing applied twice, nothing sent without an intent, no `unknown` for a deposit recovered inside its
// window or for a wallet update recovered past the settle window, every outcome matching the sandbox, balances exactly the sum of what is
// recorded applied, and each intent settled by one recovery only. The table is printed for the closing note.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { createClient } from 'redis';
import type { JournalEntry } from '../../src/index';
import { fileJournal } from '../../src/node/index';
import { redisJournal } from '../../src/redis/index';
import type { FaultRule } from '../../src/testing/sandbox/faults';
import { startSandboxCrm, type SandboxCrm } from '../../src/testing/sandbox/server';
import { seededRandom } from '../harness/random';
import { REDIS_SKIPPED, startRedisServer } from '../harness/redis-server';
import type { CrashKind, CrashOp, CrashPlan, CrashStage } from './crash-child';

const ROOT = join(__dirname, '..', '..');
const CHILD = join(ROOT, '.artifacts', 'crash', 'child.cjs');
const API_KEY = 'crash-test-key-0001';
const WINDOW_LESS_MARGIN_MS = 120_000 - 30_000;
/** reconcile's default settleWindowMs: how long a lost request may still land. */
const SETTLE_WINDOW_MS = 120_000;
const KINDS: CrashKind[] = ['deposit', 'withdrawal', 'wallet', 'approve'];
const OPERATION: Record<CrashKind, string> = { deposit: 'depositToMt4Account', withdrawal: 'withdrawFromMt4Account', wallet: 'updateWalletBalance', approve: 'approveWithdrawalRequest' };
const STAGES: CrashStage[] = ['before-write', 'written', 'in-flight', 'answered', 'recorded'];
const OTHER_FAULTS: Pick<FaultRule, 'fault' | 'status'>[] = [{ fault: 'reset-after-commit' }, { fault: 'reset-before-commit' }, { fault: 'status-before-commit', status: 503 }, { fault: 'status-after-commit', status: 503 }];

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'crm-crash-'));
  mkdirSync(join(ROOT, '.artifacts', 'crash'), { recursive: true });
  // One bundle, started by plain node: a process costs about a third of what tsx's start-up would, 200 times.
  buildSync({ entryPoints: [join(__dirname, 'crash-child.ts')], bundle: true, minify: true, format: 'cjs', platform: 'node', target: 'node20', outfile: CHILD, logLevel: 'error' });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

type Line = { t: string; [key: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
interface ChildRun {
  plan: CrashPlan;
  mode: string;
  lines: Line[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** How a child is to die: by its own hook (plan.crashAt), or killed by us some ms after its start or its "go". */
type Kill = { afterStartMs?: number; afterGoMs?: number };
interface Planned {
  plan: CrashPlan;
  mode: string;
  kill: Kill;
  faults: FaultRule[];
}

/**
 * A child process, spawned ahead: it loads and waits for "start", so the next restart's start-up cost overlaps
 * the current one's calls. `start()` lets it recover; `go()` lets it run its calls.
 */
function spawnChild({ plan, mode, kill }: Planned) {
  const run: ChildRun = { plan, mode, lines: [], signal: null, code: null, stderr: '' };
  const child = spawn(process.execPath, [CHILD], { env: { ...process.env, CRASH_CHILD: JSON.stringify(plan) }, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined); // a line to a child already dead
  let ready!: () => void;
  const recovered = new Promise<void>((resolve) => (ready = resolve));
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = JSON.parse(buffered.slice(0, end)) as Line;
      buffered = buffered.slice(end + 1);
      run.lines.push(line);
      if (line.t === 'recovered-all') ready();
      if (line.t === 'done') child.kill('SIGKILL');
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (run.stderr += chunk.toString()));
  const timers: NodeJS.Timeout[] = [];
  const exited = new Promise<ChildRun>((resolve) =>
    child.on('exit', (code, signal) => {
      timers.forEach(clearTimeout);
      ready();
      Object.assign(run, { code, signal });
      resolve(run);
    }),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    recovered,
    exited,
    start() {
      timers.push(setTimeout(() => child.kill('SIGKILL'), 20_000));
      if (kill.afterStartMs !== undefined) timers.push(setTimeout(() => child.kill('SIGKILL'), kill.afterStartMs));
      if (alive()) child.stdin.write('start\n');
    },
    go() {
      if (!alive() || plan.ops.length === 0) return;
      child.stdin.write('go\n');
      if (kill.afterGoMs !== undefined) timers.push(setTimeout(() => child.kill('SIGKILL'), kill.afterGoMs));
    },
  };
}
type Child = ReturnType<typeof spawnChild>;

/** One restart: its children recover at once; then the faults for their calls are armed, and they run them. */
async function restart(sandbox: SandboxCrm, children: Child[], faults: FaultRule[]): Promise<ChildRun[]> {
  await clearFaults(sandbox);
  children.forEach((c) => c.start());
  await Promise.all(children.map((c) => c.recovered));
  // Faults only once recovery is over: they are meant for the new calls.
  for (const fault of faults) sandbox.injectFault(fault);
  children.forEach((c) => c.go());
  return Promise.all(children.map((c) => c.exited));
}

const clearFaults = (sandbox: SandboxCrm) => fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });

/**
 * One child's plan: calls of the given kinds (each kind once, so a fault armed for its operation is its own),
 * where it dies, and the faults for its calls.
 */
function planChild(random: ReturnType<typeof seededRandom>, sandbox: SandboxCrm, name: string, kinds: CrashKind[], store: CrashPlan['store'], handles: () => string): Planned {
  const amount = (max: number) => `${1 + random.int(max)}.${String(random.int(100)).padStart(2, '0')}`;
  const ops: CrashOp[] = kinds.map((kind) => {
    if (kind === 'approve') return { kind, handle: sandbox.createWithdrawalRequest({ user_id: '3fA9kQ2z', amount: '1' }).id, amount: '1' };
    if (kind === 'wallet') return { kind, handle: handles(), amount: random.next() < 0.3 ? `-${amount(60)}` : amount(40) };
    return { kind, handle: `${kind}-${name}`, amount: kind === 'deposit' ? amount(40) : amount(9) };
  });
  const faults: FaultRule[] = [];
  const roll = random.next();
  let mode: string;
  let kill: Kill = {};
  let crashAt: CrashPlan['crashAt'];
  if (roll < 0.78) {
    const op = random.int(ops.length);
    const stage = random.pick(STAGES);
    crashAt = { op, stage, delayMs: random.int(25) };
    mode = `hook ${stage}`;
    if (stage === 'in-flight') faults.push({ operationId: OPERATION[ops[op]!.kind], fault: random.pick(['stall-before-commit', 'stall-after-commit'] as const) });
  } else if (roll < 0.9) {
    kill = { afterGoMs: random.int(60) };
    mode = 'random, during its calls';
  } else {
    kill = { afterStartMs: random.int(300) };
    mode = 'random, from its start';
  }
  for (const [index, op] of ops.entries()) {
    if (index !== crashAt?.op && random.next() < 0.3) faults.push({ operationId: OPERATION[op.kind], ...random.pick(OTHER_FAULTS) });
  }
  const plan: CrashPlan = { name, baseUrl: sandbox.url, apiKey: API_KEY, store, ops, ...(crashAt ? { crashAt } : {}), compact: 'file' in store };
  return { plan, mode, kill, faults };
}

const HOOK_POINT: Record<CrashStage, string> = {
  'before-write': 'before the intent is written',
  written: 'between write and send',
  'in-flight': 'in flight (the sandbox stalls it)',
  answered: 'after the answer, outcome not recorded',
  recorded: 'after the outcome is recorded',
};
const RANDOM_POINT: Record<CrashStage, string> = {
  'before-write': 'random: while writing the intent',
  written: 'random: written, not yet sent',
  'in-flight': 'random: in flight',
  answered: 'random: answered, outcome not recorded',
  recorded: 'random: outcome recorded',
};

/** Where a child died: the stage of the call in progress (by its own hook, or a random kill), or its phase. */
function crashPoint(run: ChildRun): { point: string; kind?: CrashKind; handle?: string } {
  if (!run.lines.some((l) => l.t === 'recovered-all')) return { point: 'random: start-up or recovery' };
  const answered = new Set(run.lines.filter((l) => l.t === 'answer').map((l) => l.op as number));
  const last = run.lines.filter((l) => l.t === 'stage' && l.op >= 0 && !answered.has(l.op)).at(-1);
  if (!last) return { point: answered.size === run.plan.ops.length ? 'after its calls' : 'random: between its calls' };
  const op = run.plan.ops[last.op as number]!;
  const stage = last.stage as CrashStage;
  const byHook = run.plan.crashAt?.op === last.op && run.plan.crashAt?.stage === stage;
  return { point: byHook ? HOOK_POINT[stage] : RANDOM_POINT[stage], kind: op.kind, handle: op.handle };
}

/** What the sandbox shows of a call: how many times it took effect. */
function effects(state: Record<string, any>, op: CrashOp): number { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (op.kind === 'wallet') return state.walletOrders.filter((o: { order_id: string; status: string }) => o.order_id === op.handle && o.status === 'success').length;
  if (op.kind === 'approve') return state.transactions.filter((t: { type: string; extra: { ref_id?: string } }) => t.type === 'withdrawal' && t.extra.ref_id === op.handle).length;
  return state.transactions.filter((t: { comment?: string; type: string }) => t.comment === op.handle && t.type === op.kind).length;
}

const units = (text: string | number) => {
  const [whole = '0', fraction = ''] = String(text).replace('-', '').split('.');
  const value = BigInt(whole) * 100_000_000n + BigInt(fraction.padEnd(8, '0'));
  return String(text).startsWith('-') ? -value : value;
};

const ORDER = [...Object.values(HOOK_POINT), ...Object.values(RANDOM_POINT), 'random: between its calls', 'random: start-up or recovery', 'after its calls'];

type Outcome = 'applied' | 'already_decided' | 'not_applied' | 'unknown' | 'never written';

/** Judges every run of one store against its sandboxes; prints the table; returns the violations. */
function judge(store: string, sandboxes: Map<string, SandboxCrm>, runs: { lane: string; run: ChildRun }[], entries: Map<string, JournalEntry>): string[] {
  const problems: string[] = [];
  const byHandle = new Map([...entries.values()].map((e) => [`${e.operationId} ${String(e.reconcile?.value)}`, e]));
  const outcomeOf = (op: CrashOp): Outcome => {
    const entry = byHandle.get(`${OPERATION[op.kind]} ${op.handle}`);
    if (!entry) return 'never written';
    return entry.settlement?.outcome ?? 'unknown';
  };
  // Crashes: every child died of SIGKILL, except the final recoveries, which end on their own.
  for (const { run } of runs) {
    if (run.plan.ops.length > 0 && run.signal !== 'SIGKILL') problems.push(`${run.plan.name} ended with ${run.signal ?? run.code}: ${run.stderr}`);
    if (run.plan.ops.length === 0 && run.code !== 0) problems.push(`${run.plan.name} (recovery) ended with ${run.signal ?? run.code}: ${run.stderr}`);
  }
  // Recovery lines: each intent settled by one recovery only; no unknown deposit inside its window, no unknown wallet update past the settle window.
  const settledBy = new Map<string, string[]>();
  let insideWindow = 0;
  for (const { run } of runs) {
    const nowMs = run.lines.find((l) => l.t === 'clock')?.nowMs as number;
    for (const line of run.lines.filter((l) => l.t === 'recovered')) {
      if (line.outcome !== 'unknown') settledBy.set(line.id, [...(settledBy.get(line.id) ?? []), run.plan.name]);
      if (line.operationId === 'depositToMt4Account' && nowMs - line.sentAt < WINDOW_LESS_MARGIN_MS) {
        insideWindow += 1;
        if (line.outcome === 'unknown') problems.push(`deposit ${line.reconcile.value} recovered ${nowMs - line.sentAt} ms after it was sent stayed unknown: ${JSON.stringify(line.evidence)}`);
      }
      // Inside the settle window an update not found may still land (the killed process may have sent it): unknown, left open.
      if (line.operationId === 'updateWalletBalance' && line.outcome === 'unknown' && nowMs - line.sentAt >= SETTLE_WINDOW_MS) problems.push(`wallet update ${line.reconcile.value} recovered ${nowMs - line.sentAt} ms after it was sent stayed unknown: ${JSON.stringify(line.evidence)}`);
    }
  }
  for (const [id, by] of settledBy) if (by.length > 1) problems.push(`intent ${id} settled by ${by.length} recoveries: ${by.join(', ')}`);
  // Every call against the sandbox: never twice, and what the journal says is what happened.
  type Counts = Record<Outcome | 'twice', number>;
  const counts = (): Counts => ({ applied: 0, already_decided: 0, not_applied: 0, unknown: 0, 'never written': 0, twice: 0 });
  const table = new Map<string, Map<CrashKind, Counts>>();
  const cell = (point: string, kind: CrashKind) => {
    if (!table.has(point)) table.set(point, new Map(KINDS.map((k) => [k, counts()])));
    return table.get(point)!.get(kind)!;
  };
  const totals = new Map(KINDS.map((k) => [k, counts()]));
  const crashes = new Map<string, number>();
  for (const [lane, sandbox] of sandboxes) {
    const state = sandbox.state();
    let balance = units('1520.40');
    let wallet = units('1250.5');
    for (const { run } of runs.filter((r) => r.lane === lane)) {
      const { point, handle } = run.plan.ops.length > 0 ? crashPoint(run) : { point: '', handle: undefined };
      if (run.plan.ops.length > 0) crashes.set(point, (crashes.get(point) ?? 0) + 1);
      for (const op of run.plan.ops) {
        const outcome = outcomeOf(op);
        const seen = effects(state, op);
        const where = `${store} ${run.plan.name} ${op.kind} ${op.handle} (${outcome}, crash ${point})`;
        if (seen > 1) problems.push(`${where}: applied ${seen} times`);
        const expected = outcome === 'applied' || outcome === 'already_decided' ? 1 : 0;
        if (seen !== expected) problems.push(`${where}: the sandbox shows it applied ${seen} time(s)`);
        if (outcome === 'applied' && op.kind === 'deposit') balance += units(op.amount);
        if (outcome === 'applied' && op.kind === 'withdrawal') balance -= units(op.amount);
        if (outcome === 'applied' && op.kind === 'wallet') wallet += units(op.amount);
        for (const count of [totals.get(op.kind)!, ...(op.handle === handle ? [cell(point, op.kind)] : [])]) {
          count[outcome] += 1;
          if (seen > 1) count.twice += 1;
        }
      }
    }
    const account = state.accounts.find((a: { login: number }) => a.login === 200118)!.balance;
    if (units(account) !== balance) problems.push(`${store} ${lane}: account balance ${account}, the outcomes recorded applied sum to ${balance}`);
    if (units(state.wallets['3fA9kQ2z']!.USD!) !== wallet) problems.push(`${store} ${lane}: wallet ${state.wallets['3fA9kQ2z']!.USD!}, the outcomes recorded applied sum to ${wallet}`);
  }
  const show = (c: Counts) => `${c.applied}${c.already_decided ? `+${c.already_decided}d` : ''}/${c.not_applied + c['never written']}/${c.unknown}/${c.twice}`;
  const rows = [...table].map(([point, kinds]) => ({ 'crash point': point, crashes: crashes.get(point) ?? 0, ...Object.fromEntries(KINDS.map((k) => [k, show(kinds.get(k)!)])) }));
  rows.sort((a, b) => ORDER.indexOf(a['crash point']) - ORDER.indexOf(b['crash point']));
  for (const [point, count] of crashes) if (!table.has(point)) rows.push({ 'crash point': point, crashes: count, ...Object.fromEntries(KINDS.map((k) => [k, '-'])) });
  rows.push({ 'crash point': 'every call, all runs', crashes: [...crashes.values()].reduce((a, b) => a + b, 0), ...Object.fromEntries(KINDS.map((k) => [k, show(totals.get(k)!)])) });
  const widths = Object.keys(rows[0]!).map((key) => Math.max(key.length, ...rows.map((r) => String(r[key as keyof typeof r]).length)));
  const format = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join(' | ');
  process.stdout.write(
    [
      `crash test, ${store}: cells are applied(+d already decided)/not applied (never written included)/unknown/applied twice, for the call in progress at the kill; last row: every call`,
      format(Object.keys(rows[0]!)),
      ...rows.map((r) => format(Object.values(r).map(String))),
      `recovery lines: ${runs.reduce((n, { run }) => n + run.lines.filter((l) => l.t === 'recovered').length, 0)}, of them deposits recovered inside their window: ${insideWindow}; intents settled by recovery: ${settledBy.size}`,
      '',
    ].join('\n'),
  );
  return problems;
}

describe('fileJournal: processes killed mid-call, the next one recovers at start-up', () => {
  it('100 seeded crashes over 2 lanes: nothing twice, nothing unknown that must not be, balances = what is recorded applied', async () => {
    const started = performance.now();
    const lanes = ['f1', 'f2'];
    const sandboxes = new Map<string, SandboxCrm>();
    // Seeded apart, so the two lanes' withdrawal request ids differ too.
    for (const [index, lane] of lanes.entries()) sandboxes.set(lane, await startSandboxCrm({ apiKey: API_KEY, seed: 11 + index }));
    const entries = new Map<string, JournalEntry>();
    const runs: { lane: string; run: ChildRun }[] = [];
    try {
      // What the file holds between two processes (the next one compacts it after its recovery).
      const snapshot = async (file: string) => {
        const reader = fileJournal(file, { compactEvery: 0 });
        for (const entry of await reader.entries()) if (!entries.get(entry.id)?.settlement) entries.set(entry.id, entry);
        await reader.close();
      };
      await Promise.all(
        lanes.map(async (lane, index) => {
          // A seed per lane: the two run side by side, in whatever order their awaits interleave.
          const random = seededRandom(20261202 + index);
          let orders = 0;
          const sandbox = sandboxes.get(lane)!;
          const file = join(work, `${lane}.jsonl`);
          const plan = (round: number): Planned => {
            const name = `${lane}-${String(round).padStart(2, '0')}`;
            if (round === 50) return { plan: { name, baseUrl: sandbox.url, apiKey: API_KEY, store: { file }, ops: [], compact: false }, mode: 'final recovery', kill: {}, faults: [] };
            const kinds = KINDS.filter((kind) => random.next() < (kind === 'deposit' ? 0.8 : 0.5));
            return planChild(random, sandbox, name, kinds.length > 0 ? kinds : [random.pick(KINDS)], { file }, () => `ordF${index}${String(orders++).padStart(11, '0')}`);
          };
          let next = plan(0);
          let spare = spawnChild(next);
          for (let round = 0; round <= 50; round++) {
            const [current, child] = [next, spare];
            if (round < 50) spare = spawnChild((next = plan(round + 1)));
            await snapshot(file);
            sandbox.advanceClock(random.next() < 0.8 ? 5_000 + random.int(40_000) : 95_000 + random.int(100_000));
            for (const run of await restart(sandbox, [child], current.faults)) runs.push({ lane, run });
          }
          await snapshot(file);
        }),
      );
      for (const { run } of runs) for (const line of run.lines.filter((l) => l.t === 'recovered' && l.outcome !== 'unknown')) entries.set(line.id, { ...entries.get(line.id)!, settlement: { outcome: line.outcome, how: line.how, evidence: line.evidence, at: 0 } });
      expect(runs.filter(({ run }) => run.signal === 'SIGKILL')).toHaveLength(100);
      const problems = judge('fileJournal', sandboxes, runs, entries);
      process.stdout.write(`fileJournal crash test: ${runs.length} processes in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      expect(problems).toEqual([]);
    } finally {
      for (const sandbox of sandboxes.values()) await sandbox.stop();
    }
  }, 240_000);
});

const suite = REDIS_SKIPPED ? describe.skip : describe;
suite('redisJournal: two instances killed mid-call, two new ones recover at once', () => {
  it('100 seeded crashes (50 restarts of 2): nothing twice, each intent settled by one recovery, balances = what is recorded applied', async () => {
    const started = performance.now();
    const random = seededRandom(20261203);
    const server = await startRedisServer();
    const sandbox = await startSandboxCrm({ apiKey: API_KEY });
    const redis = createClient({ url: server.url });
    redis.on('error', () => undefined);
    const runs: { lane: string; run: ChildRun }[] = [];
    let orders = 0;
    try {
      await redis.connect();
      const store = { redisUrl: server.url, prefix: '{crash}:' };
      // The four kinds split between the two instances, so each fault is meant for one of them.
      const plan = (round: number): Planned[] => {
        const shuffled = [...KINDS].sort(() => random.next() - 0.5);
        const cut = 1 + random.int(3);
        return [shuffled.slice(0, cut), shuffled.slice(cut)].map((kinds, slot) => {
          const name = `r-${String(round).padStart(2, '0')}-${slot}`;
          if (round === 50) return { plan: { name, baseUrl: sandbox.url, apiKey: API_KEY, store, ops: [], compact: false }, mode: 'final recovery', kill: {}, faults: [] };
          return planChild(random, sandbox, name, kinds, store, () => `ordR${String(orders++).padStart(12, '0')}`);
        });
      };
      let next = plan(0);
      let spares = next.map(spawnChild);
      for (let round = 0; round <= 50; round++) {
        const [current, children] = [next, spares];
        if (round < 50) spares = (next = plan(round + 1)).map(spawnChild);
        sandbox.advanceClock(random.next() < 0.8 ? 5_000 + random.int(40_000) : 95_000 + random.int(100_000));
        for (const run of await restart(sandbox, children, current.flatMap((c) => c.faults))) runs.push({ lane: 'r', run });
      }
      const entries = new Map((await redisJournal(redis, { prefix: store.prefix }).entries()).map((e) => [e.id, e]));
      expect(runs.filter(({ run }) => run.signal === 'SIGKILL')).toHaveLength(100);
      const problems = judge('redisJournal', new Map([['r', sandbox]]), runs, entries);
      process.stdout.write(`redisJournal crash test: ${runs.length} processes in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      expect(problems).toEqual([]);
    } finally {
      await redis.quit().catch(() => undefined);
      await sandbox.stop();
      await server.stop();
    }
  }, 240_000);
});
