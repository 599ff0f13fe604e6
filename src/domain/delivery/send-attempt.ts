import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { SequenceStepEntity } from '../../db/entities/sequence-step.entity';
import type { Database } from '../../db/repositories';
import type { SecretBox } from '../../crypto/secret-box';
import type { SmtpClient } from '../../mail/smtp';
import type { Logger } from '../../logger';
import type { PublicLinks } from '../engagement/public-links';
import type { ReplyCheck } from '../inbound/mailbox-reader';

/** What the send stages run with (the worker builds them once). */
export interface StepSenderDeps {
  db: Database;
  smtp: SmtpClient;
  secrets: SecretBox;
  logger: Logger;
  replies: ReplyCheck;
  links: PublicLinks;
}

/**
 * `sequence`: the enrollment's workflow sends its next step. `resend`: an operator asked to send again a message
 * whose outcome was unknown (same mailbox, same Message-ID, not counted again against the limits).
 */
export type SendPurpose = 'sequence' | 'resend';

/** The enrollment, contact, campaign and step a send is about, once screened. */
export interface LoadedStep {
  enrollment: EnrollmentEntity;
  contact: ContactEntity;
  campaign: CampaignEntity;
  step: SequenceStepEntity;
}

/** One claimed attempt at a step, from the claim to its settling. */
export interface SendAttempt extends LoadedStep {
  position: number;
  purpose: SendPurpose;
  mailbox: MailboxEntity;
  messageId: string;
  attempt: number;
  /** The mailbox's rest after this send: counted from the claim, and again from when the server answered. */
  restMs: number;
}

/** The outbox row an attempt claimed. */
export function rowOf(send: SendAttempt) {
  return {
    enrollmentId: send.enrollment.id,
    stepPosition: send.position,
    attempt: send.attempt,
    resend: send.purpose === 'resend',
  };
}
