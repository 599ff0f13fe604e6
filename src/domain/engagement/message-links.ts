import type { MessageRef } from '../../crypto/public-tokens';
import type { Database } from '../../db/repositories';
import { rewriteLinks } from '../../mail/html-links';
import { renderStep, type MergeContact, type StepTemplate, type VariantTemplate } from '../campaigns/step-content';

/**
 * The http(s) links of one sent step, as click tracking wrapped them: the step rendered again for its recipient, in
 * the variant it was sent in. Rendering is deterministic (variants and spintax are seeded by the enrollment), so these
 * are the links of the message as sent, unless the step's content or the contact's fields changed since: links that
 * are gone from the content are then no longer targets. Empty when the message, its enrollment, contact or step no
 * longer exists.
 */
export async function linksOfSentMessage(db: Database, message: MessageRef): Promise<Set<string>> {
  const sent = await db.repos.messages.findByStep(message.enrollmentId, message.position);
  const enrollment = sent ? await db.repos.enrollments.findById(message.enrollmentId) : null;
  if (!sent || !enrollment) return new Set();
  const [contact, step, mailbox] = await Promise.all([
    db.repos.contacts.findById(enrollment.organizationId, enrollment.contactId),
    db.repos.campaigns.step(enrollment.campaignId, message.position),
    db.repos.mailboxes.findById(sent.mailboxId),
  ]);
  if (!contact || !step) return new Set();
  const variants = await db.repos.content.variantsOfStep(step.id);
  // Signed as it was sent, with its mailbox's signature (as it is now: links removed from it since stop redirecting).
  const signature = mailbox?.signature ?? null;
  return stepLinks({ step, variants, variantLabel: sent.variantLabel, seedId: enrollment.id, contact, signature });
}

/**
 * The links click tracking wraps in `step` rendered for `contact`, in the variant labelled `variantLabel` (null: the
 * step's own content, as when it was sent without variants).
 */
export function stepLinks(input: {
  step: StepTemplate;
  variants: VariantTemplate[];
  variantLabel: string | null;
  seedId: string;
  contact: MergeContact;
  /** The sending mailbox's signature, whose links the message carries too. */
  signature?: string | null;
}): Set<string> {
  // Only the variant that was sent: a winner decided since must not change what the message contained.
  const variants = input.variants.filter((variant) => variant.label === input.variantLabel);
  let html: string;
  try {
    const { step, seedId, contact, signature } = input;
    html = renderStep({ step, variants, seedId, merge: { contact }, signature }).html;
  } catch {
    // The step no longer renders for this contact (a field removed, the template changed): no link can be vouched for.
    return new Set();
  }
  const links = new Set<string>();
  // The very function that wraps the links when the message is composed, so both read the same links.
  rewriteLinks(html, (url) => {
    links.add(url);
    return url;
  });
  return links;
}
