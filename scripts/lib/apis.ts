// The APIs this project maintains, read from redocly.yaml so that the list lives in one place.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

export const ROOT = resolve(__dirname, '..', '..');
export const GENERATED = join(ROOT, 'generated');

export interface ApiEntry {
  /** Name in redocly.yaml, e.g. `crm-rest`; also the stem of every file generated for it. */
  name: string;
  /** Root document, relative to the repository root. */
  root: string;
}

export function listApis(): ApiEntry[] {
  const config = parse(readFileSync(join(ROOT, 'redocly.yaml'), 'utf8')) as { apis: Record<string, { root: string }> };
  return Object.entries(config.apis).map(([name, api]) => ({ name, root: api.root }));
}

export const bundlePath = (dir: string, api: string) => join(dir, `${api}.openapi.json`);
export const typesPath = (dir: string, api: string) => join(dir, `${api}.ts`);
