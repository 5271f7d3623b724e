// `crm-open-api recover --journal FILE …` against the sandbox: one line per intent, the outcomes recorded in
// the file, `--compact`, and the exit status (0 when nothing stays unknown, 1 when something does).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECOVER_USAGE, recoverCommand } from '../../src/cli/recover-command';
import { createCrmClient } from '../../src/index';
import { fileJournal } from '../../src/node/index';
import { API_KEY } from '../harness/mock-crm';
import { useSandbox } from '../harness/sandbox';

const box = useSandbox();
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crm-recover-command-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Leaves the answers of a deposit (after commit) and a wallet update (before commit) lost in a file journal. */
async function crashedJournal(file: string, extra?: () => Promise<unknown>) {
  const journal = fileJournal(file);
  // The wall clock, as a deployed client has; the sandbox's repeat window runs on its own (virtual) clock.
  const crm = createCrmClient({ baseUrl: box.sandbox.url, apiKey: API_KEY, journal, maxRetries: 0 });
  box.sandbox.injectFault({ operationId: 'depositToMt4Account', fault: 'reset-after-commit' });
  // Refused by the CRM (503): no order then proves it did not apply (a reset would leave it unknown for the settle window).
  box.sandbox.injectFault({ operationId: 'updateWalletBalance', fault: 'status-before-commit', status: 503 });
  await crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '3.00', comment: 'cli-dep' } }).catch(() => undefined);
  await crm.PATCH('/public/v1/wallets/balance', { body: { user_id: '3fA9kQ2z', currency: 'USD', amount: 2, order_id: 'ord-cli-00000001' } }).catch(() => undefined);
  await extra?.();
  await journal.close();
}

it('settles what is open, one line per intent, records it, compacts, and exits 0 when nothing stays unknown', async () => {
  box.sandbox.reset();
  const file = join(dir, 'ok.jsonl');
  await crashedJournal(file);
  const out: string[] = [];
  const status = await recoverCommand(['--journal', file, '--base-url', box.sandbox.url, '--api-key', API_KEY, '--compact'], (line) => out.push(line));
  expect(out).toEqual([
    expect.stringMatching(/^applied +depositToMt4Account comment="cli-dep" \(resent-within-repeat-window\) intent [0-9a-f-]+ \{"status":200,"repeat":true,"appliedBy":"the lost request"\}$/),
    expect.stringMatching(/^not_applied +updateWalletBalance order_id="ord-cli-00000001" \(order-status\) intent [0-9a-f-]+ \{"status":400,"error":\{"type":"order_not_found"\},"refusedWith":503\}$/),
    `2 intent(s) settled here, 0 unknown; 0 still open in ${file}`,
  ]);
  expect(status).toBe(0);
  expect(readFileSync(file, 'utf8')).toBe(''); // compacted: nothing open
  expect(box.sandbox.state().transactions.filter((t: { comment?: string }) => t.comment === 'cli-dep')).toHaveLength(1);
  // A second run has nothing to do.
  expect(await recoverCommand(['--journal', file, '--base-url', box.sandbox.url, '--api-key', API_KEY, '--json'], () => undefined)).toBe(0);
});

it('exits 1 when an intent stays unknown (a withdrawal lost before commit), and prints JSON lines with --json', async () => {
  box.sandbox.reset();
  const file = join(dir, 'unknown.jsonl');
  await crashedJournal(file, async () => {
    const crm = createCrmClient({ baseUrl: box.sandbox.url, apiKey: API_KEY, journal: fileJournal(file), maxRetries: 0 });
    box.sandbox.injectFault({ operationId: 'withdrawFromMt4Account', fault: 'reset-before-commit' });
    await crm.POST('/public/v1/mt4/accounts/{login}/withdrawal', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '1.00', comment: 'cli-wd' } }).catch(() => undefined);
  });
  const out: string[] = [];
  expect(await recoverCommand(['--journal', file, '--base-url', box.sandbox.url, '--api-key', API_KEY, '--json'], (line) => out.push(line))).toBe(1);
  expect(out.map((line) => JSON.parse(line)).map((r) => [r.operationId, r.outcome])).toEqual([
    ['depositToMt4Account', 'applied'],
    ['updateWalletBalance', 'not_applied'],
    ['withdrawFromMt4Account', 'unknown'],
  ]);
  expect((await fileJournal(file).entries()).filter((e) => !e.settlement).map((e) => e.operationId)).toEqual(['withdrawFromMt4Account']);
});

it('explains itself, and refuses to run without its options or on a journal that does not exist', async () => {
  const out: string[] = [];
  expect(await recoverCommand(['--help'], (line) => out.push(line))).toBe(0);
  expect(out).toEqual([RECOVER_USAGE]);
  await expect(recoverCommand(['--journal', join(dir, 'x.jsonl')])).rejects.toThrow(/--journal, --base-url and --api-key are required/);
  await expect(recoverCommand(['--journal', join(dir, 'absent.jsonl'), '--base-url', box.sandbox.url, '--api-key', API_KEY])).rejects.toThrow(/no journal at/);
});
