// The decisions page renders the spec's Markdown (inline code, bold, links) and nothing else: any other text,
// markup included, comes out escaped, and a link goes only where a reader can safely follow it.
import fc from 'fast-check';
import { inlineMarkdown, inlineMarkdownAsText } from '../scripts/lib/inline-markdown';

it('renders inline code, bold and links', () => {
  expect(inlineMarkdown('Path `GET /public/v1/users/{id}/kyc`, by **symmetry**; see [the page](decisions.html#crm-rest).')).toBe(
    'Path <code>GET /public/v1/users/{id}/kyc</code>, by <strong>symmetry</strong>; see <a href="decisions.html#crm-rest">the page</a>.',
  );
  expect(inlineMarkdown('`` a`b ``')).toBe('<code>a`b</code>');
  expect(inlineMarkdown('[vendor](https://open-api-docs.broctagon.com/a?b=1&c=2)')).toBe('<a href="https://open-api-docs.broctagon.com/a?b=1&#38;c=2">vendor</a>');
});

it('escapes everything else, inside code too; an unpaired mark stays as it is', () => {
  expect(inlineMarkdown('keys `label.<language-code>` & <b>"x"</b>')).toBe('keys <code>label.&#60;language-code&#62;</code> &#38; &#60;b&#62;&#34;x&#34;&#60;/b&#62;');
  expect(inlineMarkdown('a lone ` tick and **no close')).toBe('a lone ` tick and **no close');
  expect(inlineMarkdown('[x](javascript:alert(1)) [y](data:text/html,hi) [z](//evil.test) [w](/\\evil.test)')).not.toMatch(/<a /);
});

it('the plain-text form drops the marks', () => {
  expect(inlineMarkdownAsText('The pages print `{Client API Hostname}` **without** a scheme')).toBe('The pages print {Client API Hostname} without a scheme');
});

it('no text makes markup of its own: 2,000 random texts (seeded)', () => {
  const href = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('javascript:alert(1)', 'JaVaScRiPt:x', 'data:text/html,x', 'vbscript:x', '//evil.test', '/\\evil.test', 'https://a.test/?a=1&b=2', 'decisions.html#crm-rest', '#x'));
  const link = fc.tuple(fc.string({ maxLength: 6 }), href).map(([label, to]) => `[${label}](${to})`);
  const piece = fc.oneof(fc.string({ maxLength: 8 }), link, fc.constantFrom('`', '``', '**', '[', '](', ')', '<', '>', '&', '"', "'", 'javascript:', 'https://a.test/', '<script>', '</code>', '<a href="x">'));
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const html = inlineMarkdown(pieces.join(''));
      // Only our own tags remain once they are taken out, and every link is http(s), a fragment or relative.
      const rest = html.replace(/<\/?(?:code|strong)>|<\/a>|<a href="[^"<>]*">/g, '');
      expect(rest).not.toMatch(/[<>"]/);
      for (const [, href] of html.matchAll(/<a href="([^"]*)">/g)) expect(href).toMatch(/^(?:https?:\/\/|#|(?![a-z][a-z0-9+.-]*:)(?!\/\/)(?!.*\\))/i);
    }),
    { seed: 29, numRuns: 2000 },
  );
});
