import { Parser } from 'htmlparser2';

/**
 * Replaces the `href` of every `<a>` whose link is http(s) with `wrap(link)`, leaving every other byte of the HTML
 * as it was (a re-serialised document would change what the author wrote and what spam filters see).
 */
export function rewriteLinks(html: string, wrap: (url: string) => string): string {
  const edits: { start: number; end: number; tag: string }[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        const href = attributes.href?.trim();
        if (name !== 'a' || !href || !/^https?:\/\//i.test(href)) return;
        const start = parser.startIndex;
        const end = parser.endIndex + 1;
        const tag = html
          .slice(start, end)
          .replace(/(\shref\s*=\s*)("[^"]*"|'[^']*'|[^\s>]+)/i, (_match, prefix: string) => {
            return `${prefix}"${escapeAttribute(wrap(href))}"`;
          });
        edits.push({ start, end, tag });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  let result = html;
  for (const edit of edits.reverse()) result = result.slice(0, edit.start) + edit.tag + result.slice(edit.end);
  return result;
}

/** Inserts `fragment` before `</body>` when the HTML has one, else at the end. */
export function appendToBody(html: string, fragment: string): string {
  const close = html.search(/<\/body\s*>/i);
  return close === -1 ? `${html}${fragment}` : `${html.slice(0, close)}${fragment}${html.slice(close)}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
