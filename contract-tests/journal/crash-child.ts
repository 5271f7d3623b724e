// A process of the crash suite (crash.test.ts), started with its plan in CRASH_CHILD (JSON): once told "start"
// on stdin it recovers the journal, as a restarted service does, then waits for "go" and runs its money calls
// through a client with that journal, printing each stage as a JSON line (a pipe's writes are synchronous on
// Linux, so the parent has every line printed before the kill). The test-only hook: where the plan says, it
// SIGKILLs itself (before the intent is written, between write and send, some milliseconds into a call the
// sandbox stalls, after the answer, after the outcome is recorded); the parent kills it at random moments
// too. After its last call it waits to be killed.
import { createCrmClient, recoverJournal, type CrmClient, type Journal } from '../../src/index';
import { fileJournal } from '../../src/node/index';
import { redisJournal } from '../../src/redis/index';
import { connectResp } from '../harness/resp-client';

export type CrashStage = 'before-write' | 'written' | 'in-flight' | 'answered' | 'recorded';
export type CrashKind = 'deposit' | 'withdrawal' | 'wallet' | 'approve';

export interface CrashOp {
  kind: CrashKind;
  /** The comment, order id or withdrawal request id: what the CRM knows the call by. */
  handle: string;
  amount: string;
}

export interface CrashPlan {
  name: string;
  baseUrl: string;
  apiKey: string;
  store: { file: string } | { redisUrl: string; prefix: string };
  /** Recover, then run these (after "go"); none: recover and exit. */
  ops: CrashOp[];
  /** Where it kills itself, if it does. */
  crashAt?: { op: number; stage: CrashStage; delayMs: number };
  compact: boolean;
}

const plan = JSON.parse(process.env.CRASH_CHILD ?? '{}') as CrashPlan;
const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const die = () => process.kill(process.pid, 'SIGKILL');
let current = -1;
const reached = (stage: CrashStage) => {
  print({ t: 'stage', op: current, stage });
  if (plan.crashAt?.op === current && plan.crashAt.stage === stage) {
    if (stage === 'in-flight') setTimeout(die, plan.crashAt.delayMs);
    else die();
  }
};

/** The store, with the hooks around the steps the client takes. */
function hooked(journal: Journal): Journal {
  return {
    async begin(intent) {
      reached('before-write');
      await journal.begin(intent);
      reached('written');
    },
    claim: (...args) => journal.claim(...args),
    async settle(...args) {
      const won = await journal.settle(...args);
      if (current >= 0) reached('recorded');
      return won;
    },
    entries: () => journal.entries(),
  };
}

function call(crm: CrmClient, op: CrashOp) {
  const money = { connection_id: 'Cn4Mt001', currency: 'USD', amount: op.amount, comment: op.handle };
  if (op.kind === 'deposit') return crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: money });
  if (op.kind === 'withdrawal') return crm.POST('/public/v1/mt4/accounts/{login}/withdrawal', { params: { path: { login: 200118 } }, body: money });
  if (op.kind === 'wallet') return crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount: Number(op.amount), order_id: op.handle } });
  return crm.POST('/public/v1/requests/withdrawal/approve', { body: { id: op.handle } });
}

/** The next line the parent writes to stdin ("start", then "go"). */
const said: string[] = [];
const waiting: ((line: string) => void)[] = [];
let pending = '';
process.stdin.on('data', (chunk: Buffer) => {
  pending += chunk.toString();
  for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
    const line = pending.slice(0, end);
    pending = pending.slice(end + 1);
    const next = waiting.shift();
    if (next) next(line);
    else said.push(line);
  }
});
const heard = () => new Promise<string>((resolve) => (said.length > 0 ? resolve(said.shift()!) : waiting.push(resolve)));

async function main(): Promise<void> {
  // Loaded ahead of its turn (fetch's Request and Headers included), it waits to be told to start.
  void new Headers();
  await heard();
  // The sandbox's virtual clock, read once: it moves only between processes (the parent advances it).
  const { nowMs } = (await (await fetch(`${plan.baseUrl}/__sandbox/clock`)).json()) as { nowMs: number };
  print({ t: 'clock', nowMs });
  let journal: Journal;
  let quit = async () => undefined as unknown;
  if ('file' in plan.store) {
    const file = fileJournal(plan.store.file);
    journal = file;
    quit = () => file.close();
  } else {
    const redis = await connectResp(plan.store.redisUrl);
    journal = redisJournal(redis, { prefix: plan.store.prefix });
    quit = async () => redis.quit();
  }
  const crm = createCrmClient({
    baseUrl: plan.baseUrl,
    apiKey: plan.apiKey,
    journal: hooked(journal),
    clock: () => nowMs,
    timeoutMs: 2_000,
    maxRetries: 0,
    fetch: async (input, init) => {
      reached('in-flight');
      const answer = await fetch(input, init);
      reached('answered');
      return answer;
    },
  });
  for (const line of await recoverJournal(crm, journal, { holder: plan.name })) print({ t: 'recovered', ...line });
  if (plan.compact && 'compact' in journal) await (journal as { compact(): Promise<boolean> }).compact();
  print({ t: 'recovered-all' });
  if (plan.ops.length === 0) {
    await quit();
    process.exit(0); // stdin, still read, would keep it alive
  }
  await heard();
  for (const [index, op] of plan.ops.entries()) {
    current = index;
    try {
      const { response } = await call(crm, op);
      print({ t: 'answer', op: index, status: response.status });
    } catch (error) {
      print({ t: 'answer', op: index, error: (error as Error).name });
    }
  }
  current = -1;
  print({ t: 'done' });
  setInterval(() => undefined, 60_000); // until the parent kills it
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(3);
});
