// The package as it ships, built once per jest run: `npm pack` (its prepack runs `tsup` into dist/), for every suite
// that needs them (the package test, and any packaging, size or runtime check of dist/ or the tarball). A
// build takes ~25 s of CPU, and two suites building at once in two workers would empty each other's dist/
// (tsup's `clean`). So the first suite to ask builds, holding a lock in the run's folder (made by
// global-setup.ts, removed by global-teardown.ts); the others wait for it and share the result.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const WAIT_MS = 240_000;

export interface BuiltPackage {
  /** The packed tarball (`npm pack`, whose prepack builds dist/ afresh). */
  file: string;
  size: number;
  /** Its files, as `npm pack` lists them. */
  files: string[];
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function build(into: string): BuiltPackage {
  // prepack builds dist/ (`tsup --silent`, so stdout is npm's JSON only) and writes the package README; postpack
  // puts the repository's back: exactly what `npm publish` ships.
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', into], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; size: number; files: { path: string }[] }[];
  return { file: join(into, packed!.filename), size: packed!.size, files: packed!.files.map((f) => f.path) };
}

let mine: BuiltPackage | undefined;

/** dist/ built and packed, once per jest run (per process when run outside jest's global set-up). */
export function builtPackage(): BuiltPackage {
  if (mine) return mine;
  const run = process.env.CRM_TEST_RUN_DIR;
  if (!run) return (mine = build(mkdtempSync(join(tmpdir(), 'crm-pack-'))));
  const dir = join(run, 'package');
  const done = join(dir, 'built.json');
  const failed = join(dir, 'failed.txt');
  let building = false;
  try {
    mkdirSync(dir); // atomic: whoever makes it builds
    building = true;
  } catch {
    // Another suite builds (or built) it.
  }
  if (building) {
    try {
      mine = build(dir);
      writeFileSync(`${done}.partial`, JSON.stringify(mine));
      renameSync(`${done}.partial`, done); // whole or not at all, for a suite reading it now
      return mine;
    } catch (error) {
      writeFileSync(failed, String((error as { stderr?: unknown }).stderr ?? error));
      throw error;
    }
  }
  for (const started = Date.now(); Date.now() - started < WAIT_MS; sleep(200)) {
    if (existsSync(done)) return (mine = JSON.parse(readFileSync(done, 'utf8')) as BuiltPackage);
    if (existsSync(failed)) throw new Error(`the package build of this run failed:\n${readFileSync(failed, 'utf8')}`);
  }
  throw new Error(`the package build of this run did not finish within ${WAIT_MS / 1000} s`);
}
