import express, { type Response } from 'express';
import { z } from 'zod';
import type { EngagementService, UnsubscribeTarget } from '../domain/engagement/engagement.service';
import { escapeHtml } from '../domain/engagement/public-links';
import { openOperationsUsing, type OpenResponse } from './open-operation';

/** A transparent 1×1 GIF: the open pixel. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const operation = openOperationsUsing<{ engagement: EngagementService }>();
const tag = 'Message links';
const token = z.object({
  token: z
    .string()
    .meta({ description: 'The signed token from the message; altered or forged tokens get 404.', example: 'AbC…' }),
});
const htmlPage = (description: string, example: string): OpenResponse => ({
  description,
  content: { type: 'text/html', schema: z.string(), example },
});
const invalidLinkPage = htmlPage(
  'The token does not verify: nothing changed.',
  '<!doctype html>…<h1>Link not valid</h1>…',
);

/**
 * The links in our messages, public (no API key): the unsubscribe page and its RFC 8058 one-click POST, the open
 * pixel and the click redirect. A token that does not verify gets a 404 and changes nothing; a token path that is not
 * valid percent-encoding never reaches the route (a 400).
 */
export const publicOperations = [
  // Shows what the link would do and a button; never unsubscribes by itself (mail scanners follow links).
  operation({
    method: 'get',
    path: '/u/{token}',
    tag,
    summary: 'The unsubscribe page',
    description:
      'The `List-Unsubscribe` https link and the footer link. Shows the address and a button; following the link ' +
      'changes nothing, because mail scanners follow links.',
    params: token,
    responses: {
      200: htmlPage('The page with its button (or: already unsubscribed).', '<!doctype html>…<h1>Unsubscribe</h1>…'),
      404: invalidLinkPage,
    },
    errors: ['bad_request'],
    handle: async ({ deps, params, res }) => {
      const target = await deps.engagement.unsubscribeTarget(params.token);
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
    },
  }),
  operation({
    method: 'post',
    path: '/u/{token}',
    tag,
    summary: 'Unsubscribe (RFC 8058 one-click)',
    description:
      'Mail clients post `List-Unsubscribe=One-Click` here. Unsubscribes the contact at once: every pending or ' +
      'running enrollment ends `unsubscribed`. Idempotent.',
    params: token,
    // One-click unsubscribe posts `List-Unsubscribe=One-Click` as a form; the body is not needed, only tolerated.
    body: {
      type: 'application/x-www-form-urlencoded',
      schema: z.object({ 'List-Unsubscribe': z.literal('One-Click').optional() }),
      example: { 'List-Unsubscribe': 'One-Click' },
      read: express.urlencoded({ extended: false, limit: '10kb' }),
    },
    responses: {
      200: htmlPage('Unsubscribed (also when it already was).', '<!doctype html>…<h1>Unsubscribed</h1>…'),
      404: invalidLinkPage,
    },
    // The form body is read before the token is checked: unreadable, over 10 kB or in another charset.
    errors: ['bad_request', 'payload_too_large', 'unsupported_media_type'],
    handle: async ({ deps, params, res }) => {
      const target = await deps.engagement.unsubscribe(params.token);
      if (!target) return invalidLink(res);
      sendPage(res, 200, unsubscribedPage(target));
    },
  }),
  operation({
    method: 'get',
    path: '/t/o/{token}',
    tag,
    summary: 'Open pixel',
    description: "Records the message's first open (campaigns with `track_opens`).",
    params: token,
    responses: {
      200: {
        description: 'A transparent 1×1 GIF.',
        content: { type: 'image/gif', schema: z.string().meta({ format: 'binary' }) },
      },
      404: invalidLinkPage,
    },
    errors: ['bad_request'],
    handle: async ({ deps, params, res }) => {
      if (!(await deps.engagement.recordOpen(params.token))) return invalidLink(res);
      res.set({ 'Content-Type': 'image/gif', 'Cache-Control': 'no-store, max-age=0' }).send(PIXEL);
    },
  }),
  operation({
    method: 'get',
    path: '/t/c/{token}',
    tag,
    summary: 'Click redirect',
    description:
      "Records the message's first click (and an open), then redirects to the link's destination, which is " +
      'signed inside the token (campaigns with `track_clicks`). The destination must be one of the links of that ' +
      'message (its step rendered again for its recipient): any other is a 404, whatever the signature.',
    params: token,
    responses: {
      302: {
        description: 'To the destination, without a Referer.',
        headers: z.object({ Location: z.url().meta({ example: 'https://example.com/pricing' }) }),
      },
      404: invalidLinkPage,
    },
    errors: ['bad_request'],
    handle: async ({ deps, params, res }) => {
      const url = await deps.engagement.recordClick(params.token);
      if (!url) return invalidLink(res);
      // The token stays ours: the destination does not learn it from the Referer.
      res.set({ 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store' }).redirect(302, url);
    },
  }),
];

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
