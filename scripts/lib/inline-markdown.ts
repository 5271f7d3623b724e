// Inline Markdown to HTML for the docs' own pages (the decisions page), which Redoc does not render: `code`,
// **bold** and [links](https://…). Everything else is HTML-escaped, so no text from the spec can inject
// markup; a link goes only to http(s), a fragment or a relative page (never `javascript:` and the like).

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// http(s), a fragment, or a relative path (no scheme, not `//host`, no backslash, which browsers read as `/`).
const SAFE_HREF = /^(?:https?:\/\/[^\s\\]*|#[^\s\\]*|(?!\/\/)[\w.~/%?=&;#-]*)$/i;

function formatting(text: string): string {
  return escapeHtml(text)
    .replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, '<strong>$1</strong>')
    .replace(/\[([^\]\n]+)\]\(([^)\s]+)\)/g, (whole, label: string, href: string) =>
      SAFE_HREF.test(href.replace(/&#38;/g, '&')) ? `<a href="${href}">${label}</a>` : whole,
    );
}

/** One line of inline Markdown as HTML. A backtick without its pair stays a backtick. */
export function inlineMarkdown(text: string): string {
  let html = '';
  let at = 0;
  // A code span: a run of backticks, content, the same run again (CommonMark); its content is literal.
  for (const match of text.matchAll(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g)) {
    html += formatting(text.slice(at, match.index));
    const content = match[2]!.replace(/^ (.*[^ ].*) $/s, '$1');
    html += `<code>${escapeHtml(content)}</code>`;
    at = match.index + match[0].length;
  }
  return html + formatting(text.slice(at));
}

/** The same text for places that show descriptions as plain text (Redoc's Servers box): the marks dropped. */
export const inlineMarkdownAsText = (text: string) => text.replace(/(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, '$2').replace(/\*\*(?=\S)(.+?)(?<=\S)\*\*/g, '$1');
