// The package README from the repository README: every `<!-- repository-only ... -->` … `<!-- /repository-only -->`
// block left out (with the blank line after it).
export const REPOSITORY_ONLY = '<!-- repository-only';

export function packageReadme(repositoryReadme: string): string {
  const blocks = /<!-- repository-only\b[^>]*-->[\s\S]*?<!-- \/repository-only -->\n\n?/g;
  const readme = repositoryReadme.replace(blocks, '');
  if (readme === repositoryReadme) throw new Error('README.md has no <!-- repository-only --> block: the package README would name repository-only commands');
  return readme;
}
