// The SDK guide on every rendered API page: what the HTTP reference alone does not say (signing with its test
// vectors, errors and money safety, receiving the CRM's calls). One Markdown file per sidebar entry under
// scripts/guide/, its `# ` line the entry's name. Each becomes a Redoc trait tag (`x-traitTag`): a sidebar entry
// and a section of its own, without operations, that the page's search indexes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './apis';
import type { Json } from './openapi-document';

export const GUIDE_DIR = join(ROOT, 'scripts', 'guide');
/** In sidebar order. */
const GUIDE_FILES = ['authentication-and-signing.md', 'errors-and-money-safety.md', 'receiving-the-crms-calls.md'];

export interface GuideSection {
  title: string;
  markdown: string;
}

export function guideSections(dir = GUIDE_DIR): GuideSection[] {
  return GUIDE_FILES.map((file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const heading = /^# (.+)\n/.exec(text);
    if (!heading) throw new Error(`${file}: the guide section must start with its "# " title`);
    return { title: heading[1]!.trim(), markdown: text.slice(heading[0].length).trim() };
  });
}

/**
 * Puts the guide before the API's own sections and links the decisions page from the introduction (in place:
 * the document is the docs' own copy of a bundle).
 */
export function addGuide(document: Json, sections: GuideSection[], decisions: { href: string; count: number }): Json {
  const own: Json[] = document.tags ?? [];
  const clash = sections.find((s) => own.some((tag) => tag.name === s.title));
  if (clash) throw new Error(`the API has a tag named like the guide section "${clash.title}"`);
  document.tags = [...sections.map((s) => ({ name: s.title, description: s.markdown, 'x-traitTag': true })), ...own];
  const description = String(document.info.description ?? '').trimEnd();
  const link = `**All decisions on one page.** The ${decisions.count} places where this API's vendor pages were missing, cut off or self-contradictory, what was decided and why, are listed on [the decisions page](${decisions.href}), each linked to what it concerns.`;
  document.info.description = `${description}\n\n${link}\n`;
  return document;
}
