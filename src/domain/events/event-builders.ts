import type { NewEvent } from '../../db/repositories/event.repository';
import {
  compact,
  enrollmentData,
  enrollmentScope,
  messageData,
  messageScope,
  stepOf,
  type CampaignFacts,
  type ContactFacts,
  type EnrollmentFacts,
  type MailboxFacts,
  type MessageFacts,
} from './event-facts';

export { enrollmentFacts } from './event-facts';
export type { CampaignFacts, ContactFacts, EnrollmentFacts, MailboxFacts, MessageFacts } from './event-facts';

// The events the domain records (`email.sent` and `email.bounced` at SMTP time are written by the settle's
// statement, enrollment endings by the workflow and campaign completions in the statements that make them — see
// EnrollmentRepository and CampaignRepository; their payloads have the same shape as the builders' here). Ids in
// `data` are snake_case; absent facts are left out, never null.

/** The longest reply text an `email.replied` event carries; the whole reply stays readable over the API. */
export const MAX_REPLY_TEXT = 10_000;

/** The message's first open (its pixel loaded, or implied by a first click). */
export function emailOpened(message: MessageFacts, contactId: string | null): NewEvent {
  return {
    ...messageScope(message, contactId),
    type: 'email.opened',
    data: messageData(message, contactId),
    dedupeKey: `email.opened:${message.id}`,
  };
}

/** The message's first click on one of its tracked links. */
export function emailClicked(message: MessageFacts, contactId: string | null, url: string): NewEvent {
  return {
    ...messageScope(message, contactId),
    type: 'email.clicked',
    data: { ...messageData(message, contactId), url },
    dedupeKey: `email.clicked:${message.id}`,
  };
}

/** A reply read from the mailbox, matched to the message it answers. */
export function emailReplied(
  message: MessageFacts,
  contactId: string,
  reply: {
    fromEmail: string | null;
    subject: string | null;
    snippet: string | null;
    text: string | null;
    category: string | null;
    confidence: string;
  },
): NewEvent {
  return {
    ...messageScope(message, contactId),
    type: 'email.replied',
    data: compact({
      ...messageData(message, contactId),
      from_email: reply.fromEmail,
      subject: reply.subject,
      snippet: reply.snippet,
      text: reply.text === null ? null : reply.text.slice(0, MAX_REPLY_TEXT),
      category: reply.category,
      match_confidence: reply.confidence,
      source: 'mailbox',
    }),
  };
}

/** A reply an integration reported (no text: it names the enrollment only). */
export function enrollmentReplied(enrollment: EnrollmentFacts, category: string | null = null): NewEvent {
  return {
    ...enrollmentScope(enrollment),
    type: 'email.replied',
    data: compact({ ...enrollmentData(enrollment), category, source: 'integration' }),
  };
}

/**
 * A delivery-status report (hard on 5.x.x, soft on 4.x.x) read from the mailbox. A hard one is keyed like the
 * settle's SMTP-time bounce: one message bounces hard once.
 */
export function emailBouncedByReport(
  message: MessageFacts,
  contactId: string,
  report: { bounceType: 'hard' | 'soft'; status: string | null; diagnostic: string | null; recipient: string | null },
): NewEvent {
  return {
    ...messageScope(message, contactId),
    type: 'email.bounced',
    data: compact({
      ...messageData(message, contactId),
      bounce_type: report.bounceType,
      dsn_status: report.status,
      diagnostic: report.diagnostic,
      recipient: report.recipient,
      source: 'dsn',
    }),
    dedupeKey: report.bounceType === 'hard' ? `email.bounced:${message.id}` : null,
  };
}

/** A hard bounce an integration reported, for one of the enrollments it names. */
export function enrollmentBounced(enrollment: EnrollmentFacts): NewEvent {
  return {
    ...enrollmentScope(enrollment),
    type: 'email.bounced',
    data: { ...enrollmentData(enrollment), bounce_type: 'hard', source: 'integration' },
  };
}

/** A hard bounce an integration reported for a contact none of whose enrollments it ended. */
export function contactBounced(contact: ContactFacts): NewEvent {
  return {
    organizationId: contact.organizationId,
    type: 'email.bounced',
    contactId: contact.id,
    recipient: contact.email,
    data: { contact_id: contact.id, email: contact.email, bounce_type: 'hard', source: 'integration' },
  };
}

/** A spam complaint (an ARF feedback report) about one of our messages. */
export function emailComplained(message: MessageFacts, contactId: string, feedbackType: string | null): NewEvent {
  return {
    ...messageScope(message, contactId),
    type: 'email.complained',
    data: compact({ ...messageData(message, contactId), feedback_type: feedbackType }),
    dedupeKey: `email.complained:${message.id}`,
  };
}

/** Where an unsubscribe came from. */
export type UnsubscribeSource = 'link' | 'mailto' | 'api' | 'integration';

/**
 * The contact unsubscribed: from everything (`global`), or from one campaign (`campaign`). `via` is the enrollment
 * it came through (a message's link, the enrollment's API), when there is one: analytics count it in that campaign.
 */
export function leadUnsubscribed(
  contact: ContactFacts,
  change: { scope: 'global' | 'campaign'; source: UnsubscribeSource; via?: EnrollmentFacts | null },
): NewEvent {
  const via = change.via ?? null;
  return {
    organizationId: contact.organizationId,
    type: 'lead.unsubscribed',
    campaignId: via?.campaignId ?? null,
    enrollmentId: via?.id ?? null,
    contactId: contact.id,
    mailboxId: via?.mailboxId ?? null,
    stepPosition: stepOf(via?.currentStep),
    recipient: contact.email,
    data: compact({
      contact_id: contact.id,
      email: contact.email,
      scope: change.scope,
      campaign_id: via?.campaignId,
      enrollment_id: via?.id,
      source: change.source,
    }),
  };
}

/** The lead's category changed, by hand (`manual`) or by the reply classifier (`automatic`). */
export function leadCategoryChanged(
  enrollment: EnrollmentFacts,
  change: { from: string | null; to: string | null; source: 'manual' | 'automatic' },
): NewEvent {
  return {
    ...enrollmentScope(enrollment),
    type: 'lead.category_changed',
    data: compact({
      ...enrollmentData(enrollment),
      old_category: change.from,
      new_category: change.to,
      source: change.source,
    }),
  };
}

/** The enrollment ended `stopped` (by the API, an integration, its campaign's `stop_on`, the block list…). */
export function enrollmentStopped(enrollment: EnrollmentFacts, reason: string | null): NewEvent {
  return {
    ...enrollmentScope(enrollment),
    type: 'enrollment.stopped',
    data: compact({ ...enrollmentData(enrollment), reason }),
    dedupeKey: `enrollment.stopped:${enrollment.id}`,
  };
}

/** The campaign moved from one status to another. */
export function campaignStatusChanged(campaign: CampaignFacts, from: string, to: string): NewEvent {
  return {
    organizationId: campaign.organizationId,
    type: 'campaign.status_changed',
    campaignId: campaign.id,
    data: { campaign_id: campaign.id, name: campaign.name, old_status: from, new_status: to },
  };
}

/**
 * The mailbox stopped sending: by a user, or automatically (its bounce rate crossed `campaignId`'s threshold, named
 * as the event's campaign).
 */
export function mailboxDisabled(
  mailbox: MailboxFacts,
  change: {
    reason: string;
    source: 'user' | 'bounce_rate';
    campaignId?: string | null;
    bounced?: number;
    sent?: number;
  },
): NewEvent {
  return {
    organizationId: mailbox.organizationId,
    type: 'mailbox.disabled',
    mailboxId: mailbox.id,
    campaignId: change.campaignId ?? null,
    data: compact({
      mailbox_id: mailbox.id,
      email: mailbox.fromEmail,
      reason: change.reason,
      source: change.source,
      campaign_id: change.campaignId,
      bounced: change.bounced,
      sent: change.sent,
    }),
  };
}

/** The mailbox's server refused it (SMTP: it leaves the rotation; IMAP: replies are not read until it recovers). */
export function mailboxError(mailbox: MailboxFacts, failure: { protocol: 'smtp' | 'imap'; error: string }): NewEvent {
  return {
    organizationId: mailbox.organizationId,
    type: 'mailbox.error',
    mailboxId: mailbox.id,
    data: { mailbox_id: mailbox.id, email: mailbox.fromEmail, protocol: failure.protocol, error: failure.error },
  };
}
