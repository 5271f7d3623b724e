// fileJournal(path): the intent journal in one append-only file of JSON lines, the embedded default. An
// intent is on disk (fdatasync) before its call is sent; holds and outcomes are appended after it. The file
// is the truth: each process replays it into an IntentBook, so several processes on one host may share it
// (appends with O_APPEND do not interleave; a claim is won by whichever line the file holds first). Each
// record starts with a newline, so a line torn by a crash mid-write ends there and is skipped, and never
// swallows the next one. `compact()` rewrites the file with the open intents only.
import { constants } from 'node:fs';
import { open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { IntentBook } from '../rest/journal/intent-book';
import type { Journal, JournalEntry, JournalIntent, JournalSettlement } from '../rest/journal/types';

export interface FileJournalOptions {
  /** Compact on its own after this many settlements (default 1000; 0: only when `compact()` is called). */
  compactEvery?: number;
  /** Settled intents remembered in memory for `entries()` between compactions (default 1000). */
  maxSettled?: number;
}

export interface FileJournal extends Journal {
  readonly path: string;
  /**
   * Rewrites the file with only its open intents (settled ones are dropped), atomically (a new file renamed
   * over it). Safe while other processes append: what they wrote meanwhile is carried over, or they write it
   * again. Resolves false when another compaction holds `<path>.lock`.
   */
  compact(): Promise<boolean>;
  /** Closes the file (pending writes are finished first). */
  close(): Promise<void>;
}

type Line = { begin: JournalIntent | JournalEntry } | { claim: { id: string; holder: string; now: number; until: number } } | { settle: { id: string; holder: string; settlement: JournalSettlement } };

const STALE_LOCK_MS = 60_000;
/** How long a write waits for another process's compaction to end before it takes the lock for a dead one's. */
const LOCK_WAIT_MS = 2_000;

function parse(text: string): Line | undefined {
  if (text === '') return undefined;
  try {
    const line = JSON.parse(text) as Line;
    return line && typeof line === 'object' ? line : undefined;
  } catch {
    return undefined; // torn by a crash mid-write
  }
}

function apply(book: IntentBook, line: Line): void {
  if ('begin' in line) book.begin(line.begin);
  else if ('claim' in line) book.claim(line.claim.id, line.claim.holder, line.claim.now, line.claim.until);
  else if ('settle' in line) book.settle(line.settle.id, line.settle.holder, line.settle.settlement);
}

const record = (line: Line) => `\n${JSON.stringify(line)}\n`;

/** Runs `work` after everything queued before it: one writer at a time within this process. */
function serial() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

async function syncDirectory(path: string): Promise<void> {
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export function fileJournal(path: string, { compactEvery = 1000, maxSettled = 1000 }: FileJournalOptions = {}): FileJournal {
  if (typeof path !== 'string' || path === '') throw new TypeError('fileJournal: `path` must be a file path');
  if (!Number.isInteger(compactEvery) || compactEvery < 0) throw new TypeError('fileJournal: `compactEvery` must be a non-negative integer');
  const exclusive = serial();
  const lockPath = `${path}.lock`;
  let writer: { handle: FileHandle; ino: number } | undefined;
  // What this process has read of the file: which file (inode), how far, and the state it replays to.
  let reader: { handle: FileHandle; ino: number; offset: number; book: IntentBook } | undefined;
  let settledSinceCompaction = 0;

  async function openWriter(): Promise<{ handle: FileHandle; ino: number }> {
    if (writer) return writer;
    const handle = await open(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    writer = { handle, ino: (await handle.stat()).ino };
    // The file's name must survive a power cut as well as its bytes.
    await syncDirectory(path);
    return writer;
  }

  /**
   * Appends `text` (durably when `durable`). Should a compaction have put a new file in its place meanwhile,
   * the write may have gone to the old one after the compaction copied it: it is written again to the new one
   * (a record read twice changes nothing). While another process compacts (its lock is there), the check waits
   * for it to end: a compaction that dies after its rename, before copying what others appended, loses nothing.
   */
  async function append(text: string, durable: boolean, compacting = false): Promise<void> {
    for (let tries = 0; ; tries++) {
      const { handle, ino } = await openWriter();
      await handle.write(text);
      if (durable) await handle.datasync();
      if (!compacting && tries === 0) await unlocked();
      const now = await stat(path).catch(() => undefined);
      if (now?.ino === ino || tries >= 3) return;
      writer = undefined;
      await handle.close().catch(() => undefined);
    }
  }

  /** Resolves once no compaction holds the lock, or after LOCK_WAIT_MS (it died: its lock is stale). */
  async function unlocked(): Promise<void> {
    for (let waited = 0; waited < LOCK_WAIT_MS; waited += 5) {
      if (!(await stat(lockPath).then(() => true, () => false))) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Reads what was appended since the last read (from the start, if the file was replaced) into the book. */
  async function refresh(): Promise<IntentBook> {
    const current = await stat(path).catch(() => undefined);
    if (!current) return (reader?.book ?? new IntentBook(maxSettled));
    if (!reader || reader.ino !== current.ino) {
      await reader?.handle.close().catch(() => undefined);
      const handle = await open(path, 'r');
      reader = { handle, ino: (await handle.stat()).ino, offset: 0, book: new IntentBook(maxSettled) };
    }
    const { size } = await reader.handle.stat();
    if (size > reader.offset) {
      const buffer = Buffer.alloc(size - reader.offset);
      const { bytesRead } = await reader.handle.read(buffer, 0, buffer.length, reader.offset);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      // Whole lines only: a line still being written (or torn) is read again next time.
      const end = text.lastIndexOf('\n') + 1;
      for (const line of text.slice(0, end).split('\n')) {
        const parsed = parse(line);
        if (parsed) apply(reader.book, parsed);
      }
      reader.offset += Buffer.byteLength(text.slice(0, end));
    }
    return reader.book;
  }

  async function compactNow(): Promise<boolean> {
    let lock: FileHandle;
    try {
      lock = await open(lockPath, 'wx', 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a compaction that died long ago is broken; a recent one is respected.
      const held = await stat(lockPath).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs < STALE_LOCK_MS) return false;
      await unlink(lockPath).catch(() => undefined);
      return false;
    }
    const temporary = `${path}.compacting`;
    try {
      const old = await open(path, constants.O_RDONLY | constants.O_CREAT, 0o600);
      try {
        const text = (await old.readFile()).toString('utf8');
        const end = text.lastIndexOf('\n') + 1;
        const book = new IntentBook(0);
        for (const line of text.slice(0, end).split('\n')) {
          const parsed = parse(line);
          if (parsed) apply(book, parsed);
        }
        const fresh = await open(temporary, 'w', 0o600);
        try {
          await fresh.write(book.entries().filter((entry) => !entry.settlement).map((entry) => record({ begin: entry })).join(''));
          await fresh.datasync();
        } finally {
          await fresh.close();
        }
        await rename(temporary, path);
        await syncDirectory(path);
        // Lines other processes appended to the old file after it was read: carried over.
        const after = (await old.readFile()).toString('utf8');
        const carried = after.slice(0, after.lastIndexOf('\n') + 1);
        const written = writer;
        writer = undefined;
        await written?.handle.close().catch(() => undefined);
        if (carried !== '') await append(carried, true, true);
      } finally {
        await old.close();
      }
      settledSinceCompaction = 0;
      return true;
    } finally {
      await lock.close();
      await unlink(lockPath).catch(() => undefined);
    }
  }

  const compactSoon = () => {
    if (compactEvery > 0 && ++settledSinceCompaction >= compactEvery) void exclusive(compactNow).catch(() => undefined);
  };

  return {
    path,
    begin: (intent) => exclusive(() => append(record({ begin: intent }), true)),
    claim: (id, holder, now, until) =>
      exclusive(async () => {
        const before = (await refresh()).get(id);
        if (!before || before.settlement || (before.holder !== holder && before.heldUntil > now)) return false;
        await append(record({ claim: { id, holder, now, until } }), false);
        // The file decides: another process's claim written before this one wins.
        const after = (await refresh()).get(id);
        return after?.holder === holder && after.heldUntil === until && !after.settlement;
      }),
    settle: (id, holder, settlement) =>
      exclusive(async () => {
        await append(record({ settle: { id, holder, settlement } }), false);
        const book = await refresh();
        const won = settlement.outcome !== 'unknown' && book.settledBy(id) === holder && book.get(id)?.settlement?.at === settlement.at;
        if (won) compactSoon();
        return won;
      }),
    entries: () => exclusive(async () => (await refresh()).entries()),
    compact: () => exclusive(compactNow),
    close: () =>
      exclusive(async () => {
        await writer?.handle.close();
        await reader?.handle.close();
        writer = reader = undefined;
      }),
  };
}
