// Fails the run when an operation of the bundled spec has no contract (`describeOperation('<operationId>', …)`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { operations } from './harness/spec';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? testFiles(join(dir, entry.name)) : entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : [],
  );
}

const contracted = new Set(
  testFiles(__dirname).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/describeOperation\(\s*'([A-Za-z0-9]+)'/g)].map((m) => m[1] as string)),
);

it('every operation of the bundled spec has a contract test', () => {
  const missing = operations.map((op) => op.id).filter((id) => !contracted.has(id));
  const covered = operations.length - missing.length;
  process.stdout.write(`\noperations covered: ${covered}/${operations.length}\n`);
  expect(missing).toEqual([]);
});

it('no contract names an operation the spec does not have', () => {
  const known = new Set(operations.map((op) => op.id));
  expect([...contracted].filter((id) => !known.has(id))).toEqual([]);
});
