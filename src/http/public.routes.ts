import express, { type Response, type Router } from 'express';
import type { EngagementService, UnsubscribeTarget } from '../domain/engagement/engagement.service';
import { escapeHtml } from '../domain/engagement/public-links';

/** A transparent 1×1 GIF: the open pixel. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * The links in our messages, public (no API key): the unsubscribe page and its RFC 8058 one-click POST, the open
 * pixel and the click redirect. A token that does not verify gets a 404 and changes nothing.
 */
export function publicRoutes(deps: { engagement: EngagementService }): Router {
  const router = express.Router();
  // One-click unsubscribe posts `List-Unsubscribe=One-Click` as a form; the body is not needed, only tolerated.
  const form = express.urlencoded({ extended: false, limit: '10kb' });

  // Shows what the link would do and a button; never unsubscribes by itself (mail scanners follow links).
  router.get('/u/:token', async (req, res) => {
    const target = await deps.engagement.unsubscribeTarget(req.params.token);
    if (!target) return invalidLink(res);
    if (target.kind !== 'contact' || target.unsubscribed) return sendPage(res, 200, unsubscribedPage(target));
    sendPage(
      res,
      200,
      page(
        'Unsubscribe',
        `<p>Unsubscribe <strong>${escapeHtml(target.email)}</strong>? You will not receive any more emails from ` +
          'this sender.</p>' +
          '<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">' +
          '<button type="submit">Unsubscribe</button></form>',
      ),
    );
  });

  router.post('/u/:token', form, async (req, res) => {
    const target = await deps.engagement.unsubscribe(req.params.token);
    if (!target) return invalidLink(res);
    sendPage(res, 200, unsubscribedPage(target));
  });

  router.get('/t/o/:token', async (req, res) => {
    if (!(await deps.engagement.recordOpen(req.params.token))) return invalidLink(res);
    res.set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' }).send(PIXEL);
  });

  router.get('/t/c/:token', async (req, res) => {
    const url = await deps.engagement.recordClick(req.params.token);
    if (!url) return invalidLink(res);
    // The token stays ours: the destination does not learn it from the Referer.
    res.set({ 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' }).redirect(302, url);
  });

  return router;
}

function unsubscribedPage(target: UnsubscribeTarget): string {
  switch (target.kind) {
    case 'test':
      return page('Test message', '<p>This link comes from a test message, so it unsubscribes no one.</p>');
    case 'gone':
      return page('Unsubscribe', '<p>This campaign no longer exists: you will not receive more emails from it.</p>');
    case 'contact':
      return page(
        'Unsubscribed',
        `<p><strong>${escapeHtml(target.email)}</strong> is unsubscribed and will not receive more emails from this ` +
          'sender.</p>',
      );
  }
}

function invalidLink(res: Response): void {
  sendPage(
    res,
    404,
    page('Link not valid', '<p>This link is not valid. Copy the whole link from the email and try again.</p>'),
  );
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set({ 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).send(html);
}

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111}' +
    'button{font:inherit;padding:.5rem 1.25rem;cursor:pointer}</style></head>' +
    `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
  );
}
