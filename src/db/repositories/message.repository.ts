import type { EntityManager } from 'typeorm';
import { MessageEntity, type MessageStatus } from '../entities/message.entity';

export type OutboxClaim = Pick<
  MessageEntity,
  | 'organizationId'
  | 'campaignId'
  | 'enrollmentId'
  | 'stepPosition'
  | 'mailboxId'
  | 'messageId'
  | 'toEmail'
  | 'subject'
  | 'variantLabel'
>;

export class MessageRepository {
  constructor(private readonly manager: EntityManager) {}

  findByStep(enrollmentId: string, stepPosition: number): Promise<MessageEntity | null> {
    return this.manager.findOneBy(MessageEntity, { enrollmentId, stepPosition });
  }

  /**
   * Writes the outbox row as `sending` before SMTP is contacted, atomically with its entry in the send ledger: a new
   * row, or a retry of a send that definitely failed (or, with `fromUnknown`, an operator's resend of a send whose
   * outcome was unknown). `countedIn`: the days whose counters this step 1 reserved a slot in (see SendQuotaRepository).
   * Returns the attempt number, or null when another attempt owns or settled the step.
   */
  async claim(
    claim: OutboxClaim,
    options: { fromUnknown?: boolean; countedIn?: { mailboxDay: string; campaignDay: string } } = {},
  ): Promise<number | null> {
    const retriable = options.fromUnknown ? ['failed', 'unknown'] : ['failed'];
    const rows: { attempts: number }[] = await this.manager.query(
      `WITH claimed AS (
         INSERT INTO messages
           (organization_id, campaign_id, enrollment_id, step_position, mailbox_id, message_id, to_email, subject,
            variant_label, status, attempts)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'sending', 1)
         ON CONFLICT (enrollment_id, step_position) DO UPDATE
           SET status = 'sending', attempts = messages.attempts + 1, mailbox_id = EXCLUDED.mailbox_id,
               message_id = EXCLUDED.message_id, subject = EXCLUDED.subject, variant_label = EXCLUDED.variant_label,
               updated_at = now()
           WHERE messages.status = ANY($10::text[])
         RETURNING attempts
       ), ledger AS (
         -- A send already counted keeps its place in the day it was counted in; a failed one counts again now.
         INSERT INTO send_ledger
           (enrollment_id, step_position, organization_id, campaign_id, mailbox_id, counted, claimed_at, mailbox_day,
            campaign_day)
         SELECT $3, $4, $1, $2, $5, true, now(), $11::date, $12::date FROM claimed
         ON CONFLICT (enrollment_id, step_position) DO UPDATE
           SET mailbox_id = EXCLUDED.mailbox_id, counted = true,
               claimed_at = CASE WHEN send_ledger.counted THEN send_ledger.claimed_at ELSE EXCLUDED.claimed_at END,
               mailbox_day = CASE WHEN send_ledger.counted THEN send_ledger.mailbox_day ELSE EXCLUDED.mailbox_day END,
               campaign_day = CASE WHEN send_ledger.counted THEN send_ledger.campaign_day ELSE EXCLUDED.campaign_day END
       )
       SELECT attempts FROM claimed`,
      [
        claim.organizationId,
        claim.campaignId,
        claim.enrollmentId,
        claim.stepPosition,
        claim.mailboxId,
        claim.messageId,
        claim.toEmail,
        claim.subject,
        claim.variantLabel,
        retriable,
        options.countedIn?.mailboxDay ?? null,
        options.countedIn?.campaignDay ?? null,
      ],
    );
    return rows[0]?.attempts ?? null;
  }

  /**
   * Settles the attempt that claimed the row; a stale attempt changes nothing. A `failed` attempt of the sequence
   * reached no one: its ledger entry stops counting against the limits and gives its slot back to the day counters —
   * several statements, so a failure is settled in the caller's transaction (any other outcome is one statement). A
   * failed resend does not: the send it repeats may have arrived.
   */
  async settle(
    id: { enrollmentId: string; stepPosition: number; attempt: number; resend?: boolean },
    outcome: {
      status: Exclude<MessageStatus, 'sending'>;
      smtpResponse: string;
      at: Date;
      /** The bodies as sent (kept in the same statement); null when none was composed. */
      body?: { text: string; html: string | null } | null;
    },
    /** Who the `email.sent` / `email.bounced` event names besides the row: the contact and the sending address. */
    parties: { contactId: string | null; fromEmail: string | null } = { contactId: null, fromEmail: null },
  ): Promise<void> {
    const [freed]: [
      { mailbox_id: string; mailbox_day: string | null; campaign_id: string; campaign_day: string | null }[],
      number,
    ] = await this.manager.query(
      `WITH settled AS (
           UPDATE messages
              SET status = $4, smtp_response = $5, updated_at = now(),
                  body_text = coalesce($8::text, body_text),
                  body_html = CASE WHEN $8::text IS NULL THEN body_html ELSE $9::text END,
                  sent_at = CASE WHEN $4 = 'sent' THEN $6 ELSE sent_at END,
                  bounced_at = CASE WHEN $4 = 'bounced' THEN $6 ELSE bounced_at END
            WHERE enrollment_id = $1 AND step_position = $2 AND status = 'sending' AND attempts = $3
           RETURNING id, enrollment_id, step_position, organization_id, campaign_id, mailbox_id, message_id, to_email,
                     subject, variant_label
         ),
         -- The event of a delivered or refused message, in this statement: no second round trip on every send.
         reported AS (
           INSERT INTO events (organization_id, type, campaign_id, mailbox_id, enrollment_id, contact_id,
                               step_position, recipient_domain, occurred_at, data, dedupe_key)
           SELECT organization_id, 'email.' || $4, campaign_id, mailbox_id, enrollment_id, $10::uuid, step_position,
                  lower(substring(to_email FROM '[^@]*$')), $6,
                  jsonb_strip_nulls(jsonb_build_object(
                    'message_id', message_id, 'campaign_id', campaign_id, 'enrollment_id', enrollment_id,
                    'contact_id', $10::uuid, 'mailbox_id', mailbox_id, 'from_email', $11::text, 'to_email', to_email,
                    'step', step_position, 'variant', variant_label, 'subject', subject,
                    'bounce_type', CASE WHEN $4 = 'bounced' THEN 'hard' END,
                    'smtp_response', CASE WHEN $4 = 'bounced' THEN $5 END)),
                  'email.' || $4 || ':' || id
             FROM settled
            WHERE $4 IN ('sent', 'bounced')
           ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
         )
         UPDATE send_ledger ledger SET counted = false
           FROM settled
          WHERE $4 = 'failed' AND $7 AND ledger.counted AND ledger.enrollment_id = settled.enrollment_id
            AND ledger.step_position = settled.step_position
         RETURNING ledger.mailbox_id, ledger.mailbox_day::text, ledger.campaign_id, ledger.campaign_day::text`,
      [
        id.enrollmentId,
        id.stepPosition,
        id.attempt,
        outcome.status,
        outcome.smtpResponse.slice(0, 1000),
        outcome.at,
        !id.resend,
        outcome.body?.text ?? null,
        outcome.body?.html ?? null,
        parties.contactId,
        parties.fromEmail,
      ],
    );
    const slot = freed[0];
    if (!slot) return;
    // In the claim's lock order (campaign day, mailbox, mailbox day), so a settle and a claim cannot deadlock.
    if (slot.campaign_day !== null) {
      await this.manager.query(
        'UPDATE campaign_days SET new_conversations = new_conversations - 1 WHERE campaign_id = $1 AND day = $2',
        [slot.campaign_id, slot.campaign_day],
      );
    }
    if (slot.mailbox_day !== null) {
      await this.manager.query('SELECT 1 FROM mailboxes WHERE id = $1 FOR UPDATE', [slot.mailbox_id]);
      await this.manager.query(
        'UPDATE mailbox_days SET new_conversations = new_conversations - 1 WHERE mailbox_id = $1 AND day = $2',
        [slot.mailbox_id, slot.mailbox_day],
      );
    }
  }

  /**
   * An operator checked a send whose outcome was unknown and found it delivered: it becomes `sent`, as of when it
   * was attempted. False when the message was not `unknown`.
   */
  async markUnknownSent(enrollmentId: string, stepPosition: number): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.manager.query(
      `UPDATE messages SET status = 'sent', sent_at = coalesce(sent_at, updated_at), updated_at = now(),
              smtp_response = 'marked delivered by an operator after an unknown outcome'
        WHERE enrollment_id = $1 AND step_position = $2 AND status = 'unknown'
       RETURNING id`,
      [enrollmentId, stepPosition],
    );
    return rows.length > 0;
  }

  /** A row left `sending` by a crashed attempt: its outcome is unknown, so flag it rather than send again. */
  async flagUnknown(enrollmentId: string, stepPosition: number): Promise<void> {
    await this.manager.update(
      MessageEntity,
      { enrollmentId, stepPosition, status: 'sending' },
      { status: 'unknown', smtpResponse: 'outcome unknown: the send was interrupted; flagged for review' },
    );
  }

  /**
   * Stamps the first open (or click, which implies an open) of a sent message. True only for the first of its kind,
   * so a pixel loaded twice or a link clicked again counts once.
   */
  async recordEngagement(
    message: { enrollmentId: string; position: number },
    kind: 'open' | 'click',
  ): Promise<boolean> {
    const [rows]: [unknown[], number] = await this.manager.query(
      kind === 'open'
        ? `UPDATE messages SET opened_at = now(), updated_at = now()
            WHERE enrollment_id = $1 AND step_position = $2 AND status = 'sent' AND opened_at IS NULL
           RETURNING id`
        : `UPDATE messages SET clicked_at = now(), opened_at = coalesce(opened_at, now()), updated_at = now()
            WHERE enrollment_id = $1 AND step_position = $2 AND status = 'sent' AND clicked_at IS NULL
           RETURNING id`,
      [message.enrollmentId, message.position],
    );
    return rows.length > 0;
  }
}
