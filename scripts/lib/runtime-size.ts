// What each use of the package adds to a bundle: the size budgets of .size-limit.cjs, measured by size-limit on
// dist/ (built first when missing), minified by esbuild for the browser and gzipped, openapi-fetch not counted.
// `npm run size` prints the same table; the package test fails when a budget is exceeded.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './apis';

export interface SizeRow {
  name: string;
  minGzBytes: number;
  budgetBytes: number;
}

export async function runtimeSizes(): Promise<SizeRow[]> {
  const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
  if (!existsSync(join(ROOT, 'dist', 'index.mjs'))) execFileSync(bin('tsup'), ['--silent'], { cwd: ROOT, stdio: 'inherit' });
  // size-limit exits 1 when a budget is exceeded; its JSON still holds every figure.
  const result = spawnSync(bin('size-limit'), ['--json'], { cwd: ROOT, encoding: 'utf8' });
  const rows = JSON.parse(result.stdout) as { name: string; size: number; sizeLimit: number }[];
  return rows.map((row) => ({ name: row.name, minGzBytes: row.size, budgetBytes: row.sizeLimit }));
}
