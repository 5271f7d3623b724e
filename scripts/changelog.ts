// npm run changelog [-- --since <git ref>] [--write]: a CHANGELOG.md section from the spec changes between
// the bundles committed at <ref> (default HEAD) and the bundles in generated/ now. --write prepends it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED, ROOT, bundlePath, listApis } from './lib/apis';
import { changelogSection, diffSpecs, type SpecChange } from './lib/spec-diff';

const args = process.argv.slice(2);
const since = args.includes('--since') ? args[args.indexOf('--since') + 1]! : 'HEAD';

function committed(api: string): object | undefined {
  try {
    return JSON.parse(execFileSync('git', ['show', `${since}:generated/${api}.openapi.json`], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 }));
  } catch {
    return undefined; // the API is new since <ref>
  }
}

const changes: Record<string, SpecChange[]> = {};
for (const { name } of listApis()) {
  const now = JSON.parse(readFileSync(bundlePath(GENERATED, name), 'utf8'));
  changes[name] = diffSpecs(committed(name) ?? { paths: {} }, now);
}
const section = changelogSection(`Spec changes since ${since} (${new Date().toISOString().slice(0, 10)})`, changes);
if (args.includes('--write')) {
  const file = join(ROOT, 'CHANGELOG.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8').replace(/^# Changelog\n\n/, '') : '';
  writeFileSync(file, `# Changelog\n\n${section}\n${previous}`);
}
process.stdout.write(section);
const breaking = Object.values(changes).flat().filter((c) => c.breaking).length;
if (breaking) process.stderr.write(`${breaking} breaking change(s)\n`);
