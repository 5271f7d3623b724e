// The README that ships on npm is the repository's README.md less its repository-only blocks (the `npm start` /
// `npm test` set-up of a clone): one text, so the two cannot drift. npm always packs the root README.md, so
// `prepack` puts the package README there and `postpack` puts the repository's back (kept meanwhile in
// .artifacts/, which git ignores; a pack that died half-way is undone by the next prepack).
//   tsx scripts/package-readme.ts prepack | postpack
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageReadme, REPOSITORY_ONLY } from './lib/package-readme';

const ROOT = join(__dirname, '..');
const readme = join(ROOT, 'README.md');
const kept = join(ROOT, '.artifacts', 'README.repository.md');

const step = process.argv[2];
if (step === 'prepack') {
  mkdirSync(join(ROOT, '.artifacts'), { recursive: true });
  const current = readFileSync(readme, 'utf8');
  // Without its repository-only block, README.md is the package README a dead pack left behind.
  const repository = current.includes(REPOSITORY_ONLY) ? current : readFileSync(kept, 'utf8');
  writeFileSync(kept, repository);
  writeFileSync(readme, packageReadme(repository));
} else if (step === 'postpack') {
  if (existsSync(kept)) renameSync(kept, readme);
} else {
  process.stderr.write('usage: tsx scripts/package-readme.ts prepack|postpack\n');
  process.exit(2);
}
