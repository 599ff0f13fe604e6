import { Tokenizer } from 'htmlparser2';

/** Elements whose content is never shown as text. */
const HIDDEN = new Set(['script', 'style', 'title', 'template', 'noscript']);
/** Elements that start or end a line: their edges become a line break, so words on either side stay apart. */
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5',
  'h6', 'header', 'hr', 'li', 'main', 'ol', 'p', 'pre', 'section', 'table', 'td', 'th', 'tr', 'ul',
]); // prettier-ignore

/**
 * The visible text of an HTML body, with a line break at block edges, at most `maxChars` characters (of the first
 * `maxHtmlChars` of HTML). htmlparser2's tokenizer reads each character once and keeps no element stack, so the time is
 * linear whatever the nesting: a tree builder (or html-to-text) slows down quadratically, or overflows, on thousands
 * of unclosed tags.
 */
export function htmlToText(html: string, maxChars: number, maxHtmlChars = 1024 * 1024): string {
  const source = html.slice(0, maxHtmlChars);
  const parts: string[] = [];
  let length = 0;
  let hiddenBy: string | null = null;
  const add = (text: string) => {
    if (hiddenBy !== null || length >= maxChars) return;
    parts.push(text);
    length += text.length;
  };
  const tagEdge = (start: number, end: number, closing: boolean) => {
    const name = source.slice(start, end).toLowerCase();
    if (closing && name === hiddenBy) hiddenBy = null;
    else if (!closing && hiddenBy === null && HIDDEN.has(name)) hiddenBy = name;
    if (BLOCKS.has(name)) add('\n');
  };
  const ignore = () => undefined;
  const tokenizer = new Tokenizer(
    { decodeEntities: true },
    {
      ontext: (start, end) => add(source.slice(start, end)),
      ontextentity: (codepoint) => add(String.fromCodePoint(codepoint)),
      onopentagname: (start, end) => tagEdge(start, end, false),
      onclosetag: (start, end) => tagEdge(start, end, true),
      onattribdata: ignore,
      onattribentity: ignore,
      onattribend: ignore,
      onattribname: ignore,
      oncdata: ignore,
      oncomment: ignore,
      ondeclaration: ignore,
      onend: ignore,
      onopentagend: ignore,
      onprocessinginstruction: ignore,
      onselfclosingtag: ignore,
    },
  );
  tokenizer.write(source);
  tokenizer.end();
  return parts.join('').slice(0, maxChars);
}
