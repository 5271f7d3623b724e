// fileJournal (crm-open-api/node): the intent is on disk (fdatasync) before its call is sent; a line torn by a
// crash is skipped and never swallows the next record; compaction keeps exactly the open intents, also while
// another writer appends; two writers claiming one intent: one wins. Two instances on one file stand for two
// processes (each has its own file handles; the file alone is shared).
import { mkdtempSync, readFileSync, rmSync, statSync, appendFileSync } from 'node:fs';
import { open, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrmClient, recoverJournal, type JournalIntent } from '../../src/index';
import { fileJournal, type FileJournal } from '../../src/node/index';
import { itKeepsTheJournalRules } from '../harness/journal-rules';
import { API_KEY } from '../harness/mock-crm';
import { useSandbox } from '../harness/sandbox';

const box = useSandbox();
let dir: string;
const journals: FileJournal[] = [];
let file: string;
let count = 0;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'crm-file-journal-'));
});
beforeEach(() => {
  box.sandbox.reset();
  file = join(dir, `journal-${count++}.jsonl`);
});
afterEach(async () => {
  for (const journal of journals.splice(0)) await journal.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const journalAt = (path = file, options?: Parameters<typeof fileJournal>[1]) => {
  const journal = fileJournal(path, options);
  journals.push(journal);
  return journal;
};
const intent = (id: string, overrides: Partial<JournalIntent> = {}): JournalIntent => ({
  id, operationId: 'depositToMt4Account', method: 'POST', path: '/public/v1/mt4/accounts/{login}/deposit', params: { login: 200118 },
  reconcile: { field: 'comment', value: id }, body: JSON.stringify({ connection_id: 'Cn4Mt001', currency: 'USD', amount: '1.00', comment: id }), sentAt: 1000, holder: 'sender', heldUntil: 1000, ...overrides,
});
itKeepsTheJournalRules(() => journalAt());

const lines = (path = file) => readFileSync(path, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));

it('fdatasyncs the intent before the call is sent, and records the outcome after', async () => {
  const probe = await open(join(dir, 'probe'), 'w');
  const handlePrototype = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
  await probe.close();
  const events: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const original = handlePrototype.datasync;
  const spy = jest.spyOn(handlePrototype, 'datasync').mockImplementation(async function (this: unknown) {
    events.push('datasync started');
    await gate;
    await original.call(this);
    events.push('datasync done');
  });
  try {
    const journal = journalAt();
    const crm = createCrmClient({ baseUrl: box.sandbox.url, apiKey: API_KEY, journal, clock: () => box.sandbox.now(), fetch: (input, init) => (events.push('sent'), fetch(input, init)) });
    const call = crm.POST('/public/v1/mt4/accounts/{login}/deposit', { params: { path: { login: 200118 } }, body: { connection_id: 'Cn4Mt001', currency: 'USD', amount: '2.00', comment: 'fj-sync' } });
    for (let i = 0; i < 50 && !events.includes('datasync started'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events).toEqual(['datasync started']); // not sent while the intent is not on disk
    release();
    expect((await call).response.status).toBe(204);
    expect(events).toEqual(['datasync started', 'datasync done', 'sent']);
  } finally {
    spy.mockRestore();
    release();
  }
  expect(lines().map((line) => Object.keys(line)[0])).toEqual(['begin', 'settle']);
  expect(lines()[1].settle.settlement).toMatchObject({ outcome: 'applied', how: 'answer' });
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

it('skips a line torn by a crash mid-write, and the next record after it is read whole', async () => {
  const first = journalAt();
  await first.begin(intent('fj-before'));
  appendFileSync(file, '\n{"begin":{"id":"fj-torn","operationId":"depositTo'); // the crash: no end of line
  const second = journalAt();
  expect((await second.entries()).map((e) => e.id)).toEqual(['fj-before']);
  await second.begin(intent('fj-after'));
  await second.settle('fj-before', 'sender', { outcome: 'applied', how: 'answer', evidence: { status: 204 }, at: 2000 });
  const third = journalAt();
  expect((await third.entries()).map((e) => [e.id, e.settlement?.outcome])).toEqual([['fj-before', 'applied'], ['fj-after', undefined]]);
});

it('compacts to exactly the open intents, with their holds and last attempts', async () => {
  const journal = journalAt(file, { compactEvery: 0 });
  for (const id of ['fj-a', 'fj-b', 'fj-c']) await journal.begin(intent(id));
  await journal.settle('fj-a', 'sender', { outcome: 'applied', how: 'answer', evidence: {}, at: 1100 });
  await journal.settle('fj-b', 'sender', { outcome: 'unknown', how: 'answer-lost', evidence: {}, at: 1100 });
  expect(await journal.claim('fj-b', 'recovery', 1200, 9000)).toBe(true);
  const before = statSync(file).size;
  expect(await journal.compact()).toBe(true);
  expect(statSync(file).size).toBeLessThan(before);
  expect(lines().map((line) => [line.begin.id, line.begin.holder, line.begin.heldUntil, line.begin.lastAttempt?.how])).toEqual([
    ['fj-b', 'recovery', 9000, 'answer-lost'],
    ['fj-c', 'sender', 1000, undefined],
  ]);
  expect((await journalAt().entries()).map((e) => e.id)).toEqual(['fj-b', 'fj-c']);
  // It compacts on its own after `compactEvery` settlements.
  const auto = journalAt(join(dir, 'auto.jsonl'), { compactEvery: 2 });
  for (const id of ['fj-x', 'fj-y', 'fj-z']) await auto.begin(intent(id));
  for (const id of ['fj-x', 'fj-y']) await auto.settle(id, 'sender', { outcome: 'applied', how: 'answer', evidence: {}, at: 1100 });
  await auto.entries(); // after the compaction it queued
  expect(lines(join(dir, 'auto.jsonl')).map((line) => line.begin?.id)).toEqual(['fj-z']);
});

it('loses nothing another writer appends while it compacts', async () => {
  const compactor = journalAt(file, { compactEvery: 0 });
  const writer = journalAt(file, { compactEvery: 0 });
  const ids: string[] = [];
  for (let round = 0; round < 40; round++) {
    const id = `fj-w-${round}`;
    ids.push(id);
    await Promise.all([compactor.compact(), writer.begin(intent(id)), compactor.begin(intent(`${id}-c`))]);
    ids.push(`${id}-c`);
  }
  const seen = new Set((await journalAt().entries()).map((e) => e.id));
  expect(ids.filter((id) => !seen.has(id))).toEqual([]);
});

it('loses nothing when a compaction dies after putting its file in place, before copying what others appended', async () => {
  const writer = journalAt(file, { compactEvery: 0 });
  await writer.begin(intent('fj-kept')); // the writer's file handle is open on the old file now
  await writeFile(`${file}.lock`, ''); // another process compacts…
  const late = writer.begin(intent('fj-late')); // …while this one appends to the old file
  await new Promise((resolve) => setTimeout(resolve, 100));
  // …and dies right after renaming its compacted file in place, before carrying the old file's tail over.
  await writeFile(`${file}.compacting`, `\n${JSON.stringify({ begin: intent('fj-kept') })}\n`);
  await rename(`${file}.compacting`, file);
  await late;
  expect((await journalAt().entries()).map((e) => e.id).sort()).toEqual(['fj-kept', 'fj-late']);
});

it('two writers claiming one intent at once: exactly one wins, and the file says which', async () => {
  const one = journalAt();
  const two = journalAt();
  for (let round = 0; round < 20; round++) {
    const id = `fj-claim-${round}`;
    await one.begin(intent(id));
    const [a, b] = await Promise.all([one.claim(id, 'one', 5000, 9000), two.claim(id, 'two', 5000, 9000)]);
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const [entry] = (await journalAt().entries()).filter((e) => e.id === id);
    expect(entry!.holder).toBe(a ? 'one' : 'two');
  }
});

it('recovers what another process left open in the file', async () => {
  const sender = journalAt();
  await sender.begin(intent('fj-open', { sentAt: box.sandbox.now(), heldUntil: box.sandbox.now() }));
  const crm = createCrmClient({ baseUrl: box.sandbox.url, apiKey: API_KEY, clock: () => box.sandbox.now() });
  const recovered = await recoverJournal(crm, journalAt());
  expect(recovered.map((r) => [r.id, r.outcome, r.how])).toEqual([['fj-open', 'applied', 'resent-within-repeat-window']]);
  expect((await journalAt().entries())[0]!.settlement).toMatchObject({ outcome: 'applied' });
});

it('reads a journal that does not exist yet as empty, and refuses a path that is not one', async () => {
  expect(await journalAt(join(dir, 'absent.jsonl')).entries()).toEqual([]);
  expect(() => fileJournal('')).toThrow(TypeError);
});
