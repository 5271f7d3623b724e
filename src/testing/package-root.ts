import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The folder of this package (src/ in the repository, dist/ once installed), found by walking up. */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'crm-open-api') return dir;
    if (dirname(dir) === dir) throw new Error(`crm-open-api: cannot find the package root above ${from}`);
  }
}

/** Path of a bundled spec shipped in generated/, e.g. `bundledSpecPath('crm-rest')`. */
export function bundledSpecPath(api: string): string {
  return join(packageRoot(), 'generated', `${api}.openapi.json`);
}
