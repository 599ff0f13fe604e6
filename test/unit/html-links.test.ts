import { appendToBody, escapeHtml, rewriteLinks } from '../../src/mail/html-links';

/** A wrap that shows what it was given, so a test can tell the link from its tracked form. */
const wrap = (url: string): string => `https://t.example/c?u=${encodeURIComponent(url)}`;

/** Rewrites with a recording wrap: the result, and every URL the wrap was asked for, in order. */
function rewrite(html: string): { html: string; wrapped: string[] } {
  const wrapped: string[] = [];
  const result = rewriteLinks(html, (url) => {
    wrapped.push(url);
    return wrap(url);
  });
  return { html: result, wrapped };
}

describe('rewriteLinks', () => {
  describe('when a link is http(s)', () => {
    it.each([
      ['a double-quoted href', '<a href="https://example.com/x">x</a>'],
      ['a single-quoted href', "<a href='https://example.com/x'>x</a>"],
      ['an unquoted href', '<a href=https://example.com/x>x</a>'],
      ['an upper-case tag and HREF', '<A HREF="https://example.com/x">x</A>'],
      ['spaces and line breaks around its =', '<a\nhref \n=\n "https://example.com/x">x</a>'],
    ])('then with %s the link is replaced by the wrapped one, double-quoted', (_, html) => {
      const result = rewrite(html);

      expect(result.wrapped).toEqual(['https://example.com/x']);
      expect(result.html).toContain(`"${wrap('https://example.com/x')}">x</`);
      expect(result.html).not.toContain('href="https://example.com/x"');
    });

    it('then an http link and an upper-case scheme are wrapped too', () => {
      const result = rewrite('<a href="http://example.com/a">a</a><a href="HTTPS://EXAMPLE.COM/B">b</a>');

      expect(result.wrapped).toEqual(['http://example.com/a', 'HTTPS://EXAMPLE.COM/B']);
    });

    it('then spaces around the link are not part of what is wrapped', () => {
      expect(rewrite('<a href="  https://example.com/x  ">x</a>').wrapped).toEqual(['https://example.com/x']);
    });

    it('then every link is wrapped, each in its place, including repeats of the same URL', () => {
      const html =
        '<a href="https://a.example/">1</a> <a href="https://b.example/">2</a> <a href="https://a.example/">3</a>';

      const result = rewrite(html);

      expect(result.wrapped).toEqual(['https://a.example/', 'https://b.example/', 'https://a.example/']);
      expect(result.html).toBe(
        `<a href="${wrap('https://a.example/')}">1</a> <a href="${wrap('https://b.example/')}">2</a> ` +
          `<a href="${wrap('https://a.example/')}">3</a>`,
      );
    });
  });

  describe('when a link is not http(s)', () => {
    it.each([
      ['a mailto: link', '<a href="mailto:ann@example.com">mail</a>'],
      ['a tel: link', '<a href="tel:+15551234567">call</a>'],
      ['an #anchor link', '<a href="#section-2">jump</a>'],
      ['a relative link', '<a href="/pricing">pricing</a>'],
      ['a javascript: link', '<a href="javascript:alert(1)">x</a>'],
      ['an empty href', '<a href="">x</a>'],
      ['an <a> without href', '<a name="top">x</a>'],
    ])('then %s is left untouched', (_, html) => {
      const result = rewrite(html);

      expect(result.html).toBe(html);
      expect(result.wrapped).toEqual([]);
    });

    it('then an http(s) href on another tag than <a> is left untouched', () => {
      const html =
        '<link rel="stylesheet" href="https://example.com/s.css"><area href="https://example.com/area">' +
        '<base href="https://example.com/">';

      expect(rewrite(html)).toEqual({ html, wrapped: [] });
    });
  });

  describe('when the href holds character references', () => {
    it('then the wrap gets the decoded URL', () => {
      const result = rewrite('<a href="https://example.com/?a=1&amp;b=2&#38;c=3&#x26;d=&quot;4&quot;">x</a>');

      expect(result.wrapped).toEqual(['https://example.com/?a=1&b=2&c=3&d="4"']);
    });

    it('then what the wrap returns is escaped into the attribute', () => {
      const html = rewriteLinks('<a href="https://example.com/">x</a>', () => 'https://t.example/?a=1&b="2"<>');

      expect(html).toBe('<a href="https://t.example/?a=1&amp;b=&quot;2&quot;&lt;&gt;">x</a>');
    });
  });

  describe('when the HTML has more than links', () => {
    it('then every byte outside the rewritten hrefs is as it was', () => {
      const before =
        '<!DOCTYPE html>\n<HTML><head><style>a { color: red }</style></head>\n' +
        '<Body class="x">😀 caf\u00e9 &amp; &nbsp;<!-- <a href="https://hidden.example/"> -->\n' +
        '  <P style = "margin:0" >Hi&#44; <a  class="btn"   HREF = \'https://example.com/a?x=1&amp;y=2\'  data-id=7 >' +
        'click</a>  <br/>\t<a href="mailto:x@example.com">m</a>' +
        '<script>var s = "<a href=\\"https://script.example/\\">";</script></P></Body></HTML>\n';
      const after = before.replace(
        "HREF = 'https://example.com/a?x=1&amp;y=2'",
        `HREF = "${wrap('https://example.com/a?x=1&y=2')}"`,
      );

      const result = rewrite(before);

      expect(result.wrapped).toEqual(['https://example.com/a?x=1&y=2']);
      expect(result.html).toBe(after);
    });

    it('then HTML without links comes back identical', () => {
      const html = '<p>Plain &lt;text&gt; &amp; no links</p>\r\n<img src="https://example.com/i.png">';

      expect(rewrite(html)).toEqual({ html, wrapped: [] });
    });
  });

  describe('when another attribute of the link holds the text "href="', () => {
    it.each([
      ['a double-quoted title', '<a title="see href=x" href="https://example.com/">x</a>', 'title="see href=x"'],
      ['a single-quoted data attribute', "<a data-x='a href=b' href='https://example.com/'>x</a>", "data-x='a href=b'"],
    ])('then %s is left intact and the real href is the one wrapped', (_, html, attribute) => {
      const result = rewrite(html);

      expect(result.html).toBe(
        html.replace(/href=["']https:\/\/example\.com\/["']/, `href="${wrap('https://example.com/')}"`),
      );
      expect(result.html).toContain(attribute);
    });
  });
});

describe('appendToBody', () => {
  describe('when the HTML has a closing body tag', () => {
    it('then the fragment goes right before it', () => {
      expect(appendToBody('<html><body><p>Hi</p></body></html>', '<img>')).toBe(
        '<html><body><p>Hi</p><img></body></html>',
      );
    });

    it('then an upper-case tag or one with spaces before > is found too', () => {
      expect(appendToBody('<BODY>x</BODY >\n', 'F')).toBe('<BODY>xF</BODY >\n');
      expect(appendToBody('<body>x</Body>', 'F')).toBe('<body>xF</Body>');
    });
  });

  describe('when the HTML has no closing body tag', () => {
    it('then the fragment goes at the end', () => {
      expect(appendToBody('<p>Hi</p>', '<img>')).toBe('<p>Hi</p><img>');
    });

    it('then an empty HTML becomes the fragment', () => {
      expect(appendToBody('', '<img>')).toBe('<img>');
    });
  });

  describe('when appended twice', () => {
    it('then the fragments come in the order they were appended', () => {
      const html = appendToBody(appendToBody('<body>x</body>', 'A'), 'B');

      expect(html).toBe('<body>xAB</body>');
    });
  });
});

describe('escapeHtml', () => {
  describe('when the text has characters special in HTML', () => {
    it('then each becomes a numeric character reference and the rest is kept', () => {
      expect(escapeHtml(`<a href="x">Tom & Jerry's</a> café`)).toBe(
        '&#60;a href=&#34;x&#34;&#62;Tom &#38; Jerry&#39;s&#60;/a&#62; café',
      );
    });
  });
});
