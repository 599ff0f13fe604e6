import { htmlAsText } from '../../mail/compose';
import { appendToBody } from '../../mail/html-links';
import type { RenderedStep } from './step-content';

/**
 * A rendered step signed with its mailbox's rendered signature (HTML): in each part where the step placed
 * `{{ sender.signature }}` (rendered as `marker`), there, and only there; else appended to the HTML and to the step's
 * own text (as plain text made from the HTML). A text left to be made from the HTML gets it from there; a subject
 * never carries it. Without a signature the marker is removed.
 */
export function signStep(step: RenderedStep, marker: string, signatureHtml: string | null): RenderedStep {
  const html = signatureHtml ?? '';
  const text = signatureHtml === null ? '' : htmlAsText(signatureHtml).trim();
  // Any case: a filter such as `upcase` on the output changes the marker's, not the signature's.
  const placed = new RegExp(marker, 'gi');
  const place = (part: string, signature: string, append: (part: string) => string) =>
    part.toLowerCase().includes(marker) ? part.replace(placed, () => signature) : signature ? append(part) : part;
  return {
    ...step,
    subject: step.subject === null ? null : step.subject.replace(placed, ''),
    html: place(step.html, html, (part) => appendToBody(part, `<div class="signature">${html}</div>`)),
    text: step.text === null ? null : place(step.text, text, (part) => `${part.trimEnd()}\n\n${text}\n`),
  };
}
