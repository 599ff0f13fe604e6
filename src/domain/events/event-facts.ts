import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';

// What the events name of the things they are about, and the scope and payload fields they share (see
// event-builders.ts).

/** One of our sent messages, as the events about it name it. */
export interface MessageFacts {
  /** The message row's id: what names an event a retry may report again. */
  id: string;
  organizationId: string;
  campaignId: string;
  enrollmentId: string;
  mailboxId: string;
  stepPosition: number;
  /** The Message-ID header. */
  messageId: string;
  toEmail: string;
  variantLabel?: string | null;
}

/** An enrollment, as the events about it name it. */
export interface EnrollmentFacts {
  id: string;
  organizationId: string;
  campaignId: string;
  contactId: string;
  mailboxId?: string | null;
  currentStep?: number | null;
  /** The contact's address. */
  email?: string | null;
}

/** What the events about an enrollment name of it (the contact's address from `email`, else its loaded contact). */
export function enrollmentFacts(enrollment: EnrollmentEntity, email: string | null = null): EnrollmentFacts {
  const { id, organizationId, campaignId, contactId, mailboxId, currentStep } = enrollment;
  return {
    id,
    organizationId,
    campaignId,
    contactId,
    mailboxId,
    currentStep,
    email: email ?? enrollment.contact?.email,
  };
}

/** A contact, as the events about it name it. */
export interface ContactFacts {
  id: string;
  organizationId: string;
  email: string | null;
}

/** A campaign, as the events about it name it. */
export interface CampaignFacts {
  id: string;
  organizationId: string;
  name: string;
}

/** A mailbox, as the events about it name it. */
export interface MailboxFacts {
  id: string;
  organizationId: string;
  fromEmail: string;
}

/** Where an event about one of our messages is counted: its campaign, mailbox, enrollment, contact, step, recipient. */
export function messageScope(message: MessageFacts, contactId: string | null) {
  return {
    organizationId: message.organizationId,
    campaignId: message.campaignId,
    mailboxId: message.mailboxId,
    enrollmentId: message.enrollmentId,
    contactId,
    stepPosition: message.stepPosition,
    recipient: message.toEmail,
  };
}

/** The payload fields every event about one of our messages has. */
export function messageData(message: MessageFacts, contactId: string | null): Record<string, unknown> {
  return compact({
    message_id: message.messageId,
    campaign_id: message.campaignId,
    enrollment_id: message.enrollmentId,
    contact_id: contactId,
    mailbox_id: message.mailboxId,
    to_email: message.toEmail,
    step: message.stepPosition,
    variant: message.variantLabel,
  });
}

/** Where an event about an enrollment is counted. */
export function enrollmentScope(enrollment: EnrollmentFacts) {
  return {
    organizationId: enrollment.organizationId,
    campaignId: enrollment.campaignId,
    mailboxId: enrollment.mailboxId ?? null,
    enrollmentId: enrollment.id,
    contactId: enrollment.contactId,
    stepPosition: stepOf(enrollment.currentStep),
    recipient: enrollment.email ?? null,
  };
}

/** The payload fields every event about an enrollment has. */
export function enrollmentData(enrollment: EnrollmentFacts): Record<string, unknown> {
  return compact({
    enrollment_id: enrollment.id,
    campaign_id: enrollment.campaignId,
    contact_id: enrollment.contactId,
    email: enrollment.email,
    mailbox_id: enrollment.mailboxId,
    step: stepOf(enrollment.currentStep),
  });
}

/** Step 0 is "nothing sent yet": no step. */
export function stepOf(step: number | null | undefined): number | null {
  return step ? step : null;
}

/** The entries whose value is neither null nor undefined. */
export function compact(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== null && value !== undefined));
}
