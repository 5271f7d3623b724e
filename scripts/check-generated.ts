// npm run check:generated: regenerates everything into a temporary folder and names each file of generated/
// that is stale, missing or no longer produced. Exits non-zero when any is.
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENERATED } from './lib/apis';
import { bundleAll, generateAll } from './lib/emit';

function listFiles(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`],
  );
}

async function main(): Promise<number> {
  const fresh = mkdtempSync(join(tmpdir(), 'crm-open-api-generated-'));
  try {
    bundleAll(fresh);
    await generateAll(fresh);
    const expected = new Set(listFiles(fresh));
    const actual = new Set(listFiles(GENERATED));
    const problems: string[] = [];
    for (const file of expected) {
      if (!actual.has(file)) problems.push(`missing: generated/${file}`);
      else if (!readFileSync(join(fresh, file)).equals(readFileSync(join(GENERATED, file)))) problems.push(`stale:   generated/${file}`);
    }
    for (const file of actual) if (!expected.has(file)) problems.push(`extra:   generated/${file} (no longer produced)`);
    if (problems.length) {
      console.error(`generated/ is out of date with spec/ (run \`npm run build\` and commit generated/):\n  ${problems.join('\n  ')}`);
      return 1;
    }
    console.log(`generated/ is up to date (${expected.size} files)`);
    return 0;
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (error) => { console.error(error); process.exit(1); });
