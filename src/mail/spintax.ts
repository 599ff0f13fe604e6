import crypto from 'node:crypto';

/**
 * Resolves spintax — `{Hi|Hello|Hey}`, nested as in `{Hi {there|friend}|Hello}` — choosing each group's alternative
 * deterministically from `seed`: the same seed always yields the same text (a preview and the real send agree, a
 * retry sends what the first attempt would have), while different seeds spread evenly over the alternatives.
 *
 * Liquid is never touched: `{{ … }}` and `{% … %}` (and everything inside `{% raw %}…{% endraw %}`) are copied as they
 * are, so a `|` filter never splits a group. Braces pair like brackets; a pair without a `|` of its own (CSS such as
 * `p { margin: 0 }`) and a brace without a partner are left as written. Runs before Liquid.
 */
export function resolveSpintax(source: string, seed: string): string {
  return resolveGroups(source, (alternatives, ordinal) => alternatives[choose(seed, ordinal, alternatives.length)]!);
}

/**
 * The source with every group replaced by all of its alternatives, one after another: each Liquid tag and output any
 * resolution can contain appears in it whole, so checking this text checks them all (templates are checked on save).
 */
export function everySpintaxAlternative(source: string): string {
  return resolveGroups(source, (alternatives) => alternatives.join(''));
}

/** Replaces each spintax group (two alternatives or more) by what `pick` makes of them; the rest is copied. */
function resolveGroups(source: string, pick: (alternatives: string[], ordinal: number) => string): string {
  if (!source.includes('|') || !source.includes('{')) return source;
  const tokens = tokenize(source);
  const paired = pairBraces(tokens);

  interface Group {
    ordinal: number;
    alternatives: string[];
    current: string;
  }
  const stack: Group[] = [];
  let output = '';
  let ordinal = 0;
  const append = (text: string) => {
    const top = stack.at(-1);
    if (top) top.current += text;
    else output += text;
  };
  tokens.forEach((token, index) => {
    if (token === OPEN) {
      if (paired.has(index)) stack.push({ ordinal: (ordinal += 1), alternatives: [], current: '' });
      else append('{');
    } else if (token === PIPE) {
      const top = stack.at(-1);
      if (top) {
        top.alternatives.push(top.current);
        top.current = '';
      } else {
        append('|');
      }
    } else if (token === CLOSE) {
      const group = paired.has(index) ? stack.pop() : undefined;
      if (!group) return append('}');
      const alternatives = [...group.alternatives, group.current];
      append(alternatives.length === 1 ? `{${alternatives[0]!}}` : pick(alternatives, group.ordinal));
    } else {
      append(token);
    }
  });
  return output;
}

/** A uniform choice in [0, count) from the seed and the group's ordinal (its place in the template). */
function choose(seed: string, ordinal: number, count: number): number {
  const digest = crypto.createHash('sha256').update(`spintax\0${seed}\0${ordinal}`).digest();
  // 48 bits: the modulo bias is negligible for any realistic number of alternatives.
  return digest.readUIntBE(0, 6) % count;
}

const OPEN = Symbol('{');
const PIPE = Symbol('|');
const CLOSE = Symbol('}');
type Token = typeof OPEN | typeof PIPE | typeof CLOSE | string;

/** Splits the source into braces, pipes and text; Liquid tags and outputs are text, whole. */
function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  const flush = () => {
    if (text) tokens.push(text);
    text = '';
  };
  for (let index = 0; index < source.length;) {
    const char = source[index]!;
    const next = source[index + 1];
    // `{{{first_name}}|there}`: a brace, then Liquid — not a Liquid output starting with `{`.
    const liquid =
      char === '{' && (next === '{' || next === '%') && !(next === '{' && '{%'.includes(source[index + 2] ?? ' '));
    if (liquid) {
      const end = liquidEnd(source, index);
      text += source.slice(index, end);
      index = end;
    } else if (char === '{' || char === '|' || char === '}') {
      flush();
      tokens.push(char === '{' ? OPEN : char === '|' ? PIPE : CLOSE);
      index += 1;
    } else {
      text += char;
      index += 1;
    }
  }
  flush();
  return tokens;
}

/** Token indexes of the braces that have a partner: each `}` closes the nearest open `{` before it. */
function pairBraces(tokens: Token[]): Set<number> {
  const open: number[] = [];
  const paired = new Set<number>();
  tokens.forEach((token, index) => {
    if (token === OPEN) open.push(index);
    if (token === CLOSE && open.length > 0) {
      paired.add(open.pop()!);
      paired.add(index);
    }
  });
  return paired;
}

/** Index just past the Liquid tag or output opening at `open` (past `{% endraw %}` for a raw block). */
function liquidEnd(source: string, open: number): number {
  const close = source[open + 1] === '%' ? '%}' : '}}';
  let quote: string | null = null;
  for (let index = open + 2; index < source.length; index += 1) {
    const char = source[index]!;
    if (quote) {
      if (char === quote) quote = null;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (source.startsWith(close, index)) {
      const end = index + close.length;
      if (close === '%}' && /^\{%-?\s*raw\s*-?%\}$/.test(source.slice(open, end))) {
        const endRaw = /\{%-?\s*endraw\s*-?%\}/g;
        endRaw.lastIndex = end;
        const match = endRaw.exec(source);
        return match ? match.index + match[0].length : source.length;
      }
      return end;
    }
  }
  return source.length; // unterminated: Liquid reports it; nothing after it is spintax
}
