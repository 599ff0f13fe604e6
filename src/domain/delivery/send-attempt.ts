import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { SequenceStepEntity } from '../../db/entities/sequence-step.entity';
import type { Database } from '../../db/repositories';
import type { SecretBox } from '../../crypto/secret-box';
import type { SmtpClient } from '../../mail/smtp';
import type { Logger } from '../../logger';
import type { RenderedStep } from '../campaigns/step-content';
import type { EngineMetricsPort } from '../engine-metrics.port';
import type { PublicLinks } from '../engagement/public-links';
import type { ReplyCheck } from '../inbound/mailbox-reader';
import type { NextStep } from './step-outcome';

/** What the send stages run with (the worker builds them once). */
export interface StepSenderDeps {
  db: Database;
  smtp: SmtpClient;
  secrets: SecretBox;
  logger: Logger;
  replies: ReplyCheck;
  links: PublicLinks;
  metrics: EngineMetricsPort;
}

/**
 * `sequence`: the enrollment's workflow sends its next step. `resend`: an operator asked to send again a message
 * whose outcome was unknown (same mailbox, same Message-ID, not counted again against the limits).
 */
export type SendPurpose = 'sequence' | 'resend';

/** What the step says to this contact, and the conversation it continues. */
export interface Draft {
  content: RenderedStep;
  /** The subject it goes under: its own, or `Re:` step 1's for a follow-up. */
  subject: string;
  /** Message-IDs of the earlier messages of the conversation, in order (In-Reply-To, References). */
  thread: string[];
}

/** One claimed attempt at a step, from the claim to its settling. */
export interface SendAttempt {
  enrollment: EnrollmentEntity;
  contact: ContactEntity;
  campaign: CampaignEntity;
  step: SequenceStepEntity;
  /** The step after this one, returned to the workflow with the outcome. */
  next: NextStep;
  position: number;
  purpose: SendPurpose;
  draft: Draft;
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
