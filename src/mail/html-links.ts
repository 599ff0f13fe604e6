import { Parser } from 'htmlparser2';

/**
 * Replaces the `href` of every `<a>` whose link is http(s) with `wrap(link)`, leaving every other byte of the HTML
 * as it was (a re-serialised document would change what the author wrote and what spam filters see). The parser
 * gives each attribute's place in the source, so text such as `title="href=x"` is never mistaken for the link.
 */
export function rewriteLinks(html: string, wrap: (url: string) => string): string {
  const edits: { start: number; end: number; text: string }[] = [];
  let href: { start: number; end: number; value: string } | null = null;
  const parser = new Parser(
    {
      onopentagname() {
        href = null;
      },
      onattribute(name, value) {
        // The attribute spans [startIndex, endIndex) of the source, quotes included.
        if (name === 'href' && href === null) href = { start: parser.startIndex, end: parser.endIndex, value };
      },
      onopentag(name) {
        const link = href?.value.trim();
        if (name !== 'a' || !href || !link || !/^https?:\/\//i.test(link)) return;
        // Only the value changes: the name, its case and the spacing around `=` stay as written.
        const source = html.slice(href.start, href.end);
        const nameAndEquals = /^[^=]*=\s*/.exec(source)![0];
        edits.push({ start: href.start, end: href.end, text: `${nameAndEquals}"${escapeAttribute(wrap(link))}"` });
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.end(html);
  let result = html;
  for (const edit of edits.reverse()) result = result.slice(0, edit.start) + edit.text + result.slice(edit.end);
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
