import { SKIP_KINDS, type SkipKind } from '../domain/campaigns/campaign-model';
import type { CampaignDetails, CampaignEntity, MailboxEntity, SendCounts } from '../domain/campaigns/campaign.service';
import type { Sequence } from '../domain/campaigns/campaign-sequence.service';
import type { EnrollmentDetails, EnrollmentEntity } from '../domain/enrollments/enrollment.service';
import type {
  CampaignDetailsView,
  CampaignFanoutView,
  CampaignSummaryView,
  CredentialView,
  EnrollmentDetailsView,
  SendCountsView,
  SequenceStepView,
} from './campaign.responses';
import type { EnrollmentView } from './enrollment.responses';

/** API shapes (snake_case, as in the reference); passwords never appear. */
export function presentCampaignSummary(campaign: CampaignEntity): CampaignSummaryView {
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    created_at: campaign.createdAt.toISOString(),
    fanout: presentFanout(campaign),
  };
}

function presentFanout(campaign: CampaignEntity): CampaignFanoutView | null {
  if (!campaign.fanoutAction || !campaign.fanoutStartedAt) return null;
  return {
    action: campaign.fanoutAction,
    total: campaign.fanoutTotal,
    done: campaign.fanoutDone,
    started_at: campaign.fanoutStartedAt.toISOString(),
    finished_at: campaign.fanoutFinishedAt?.toISOString() ?? null,
  };
}

export function presentCampaignDetails(details: CampaignDetails): CampaignDetailsView {
  const { campaign, totals, rates } = details;
  return {
    ...presentCampaignSummary(campaign),
    updated_at: campaign.updatedAt.toISOString(),
    evergreen: campaign.evergreen,
    list_uuids: details.lists.map((list) => list.uuid),
    outreach_id: campaign.outreachId,
    min_wait_seconds: campaign.minWaitSeconds,
    max_wait_seconds: campaign.maxWaitSeconds,
    verify_email_mx: campaign.verifyEmailMx,
    bounce_rate_threshold: campaign.bounceRateThreshold,
    schedule: campaign.schedule && {
      timezone: campaign.schedule.timezone,
      days: campaign.schedule.days,
      start_hour: campaign.schedule.startHour,
      end_hour: campaign.schedule.endHour,
    },
    max_new_per_day: campaign.maxNewPerDay,
    stop_on: campaign.stopOn,
    track_opens: campaign.trackOpens,
    track_clicks: campaign.trackClicks,
    unsubscribe_text: campaign.unsubscribeText,
    send_as_plain_text: campaign.sendAsPlainText,
    ab_winner:
      campaign.winnerMetric && campaign.winnerMinSends
        ? { metric: campaign.winnerMetric, min_sends_per_variant: campaign.winnerMinSends }
        : null,
    sequence_steps: presentSequence(details),
    totals: {
      pending: totals.pending,
      active: totals.active,
      completed: totals.completed,
      sent: totals.sent,
      opened: totals.opened,
      clicked: totals.clicked,
      replied: totals.replied,
      bounced: totals.bounced,
      unsubscribed: totals.unsubscribed,
      unknown_outcome: totals.unknown,
    },
    rates: { bounce_rate: rates.bounceRate, open_rate: rates.openRate, reply_rate: rates.replyRate },
    per_batch: details.perBatch.map((batch) => ({
      batch_number: batch.batchNumber,
      enrollments: batch.enrollments,
      pending: batch.pending,
      active: batch.active,
      completed: batch.completed,
      replied: batch.replied,
      bounced: batch.bounced,
      skipped: batch.skipped,
      stopped: batch.stopped,
      sent: batch.sent,
    })),
    per_step: details.perStep.map((step) => ({
      position: step.position,
      ...sendCounts(step),
      variants: step.variants.map((variant) => ({ label: variant.label, ...sendCounts(variant) })),
    })),
    recent_bounces: details.recentBounces.map((bounce) => ({
      enrollment_id: bounce.enrollmentId,
      contact_id: bounce.contactId,
      email: bounce.email,
      step: bounce.stepPosition,
      bounced_at: bounce.bouncedAt.toISOString(),
      smtp_response: bounce.smtpResponse,
    })),
    skipped: Object.fromEntries(SKIP_KINDS.map((kind) => [kind, details.skipped.get(kind) ?? 0])) as Record<
      SkipKind,
      number
    >,
    credentials: details.mailboxes.map(({ mailbox, sentToday }) => presentCredential(mailbox, sentToday)),
  };
}

/** A campaign's sending account as the API shows it: never its password. */
export function presentCredential(mailbox: MailboxEntity, sentToday: number): CredentialView {
  return {
    id: mailbox.id,
    label: mailbox.label,
    smtp_host: mailbox.smtpHost,
    smtp_port: mailbox.smtpPort,
    smtp_security: mailbox.smtpSecurity,
    smtp_username: mailbox.smtpUsername,
    from_email: mailbox.fromEmail,
    from_name: mailbox.fromName,
    imap_host: mailbox.imapHost,
    imap_port: mailbox.imapPort,
    imap_security: mailbox.imapSecurity,
    imap_username: mailbox.imapUsername,
    /** How the reply monitor's last IMAP session went: connected, error (see imap_error), or null before it tried. */
    imap_status: mailbox.imapStatus,
    imap_error: mailbox.imapError,
    imap_checked_at: mailbox.imapCheckedAt?.toISOString() ?? null,
    /**
     * The DKIM signing domain and selector; the key is never shown. Null when messages are not signed. Both are set
     * or neither (the mailboxes_dkim_check constraint): testing both only tells TypeScript so.
     */
    dkim:
      mailbox.dkimDomain && mailbox.dkimSelector
        ? { domain: mailbox.dkimDomain, selector: mailbox.dkimSelector }
        : null,
    daily_limit: mailbox.dailyLimit,
    sent_today: sentToday,
    status: mailbox.status,
    disabled_at: mailbox.disabledAt?.toISOString() ?? null,
    disabled_reason: mailbox.disabledReason,
    smtp_error: mailbox.smtpError,
    smtp_error_at: mailbox.smtpErrorAt?.toISOString() ?? null,
  };
}

function sendCounts(counts: SendCounts): SendCountsView {
  return {
    sent: counts.sent,
    opened: counts.opened,
    clicked: counts.clicked,
    replied: counts.replied,
    bounced: counts.bounced,
    unsubscribed: counts.unsubscribed,
  };
}

export function presentEnrollment(enrollment: EnrollmentEntity): EnrollmentView {
  return {
    id: enrollment.id,
    campaign_id: enrollment.campaignId,
    contact_id: enrollment.contactId,
    batch_number: enrollment.batchNumber,
    priority: enrollment.priority,
    status: enrollment.status,
    current_step: enrollment.currentStep,
    next_send_at: enrollment.nextSendAt?.toISOString() ?? null,
    mailbox_id: enrollment.mailboxId,
    workflow_id: enrollment.workflowId,
    started_at: enrollment.startedAt?.toISOString() ?? null,
    finished_at: enrollment.finishedAt?.toISOString() ?? null,
    last_error: enrollment.lastError,
    category: enrollment.category,
    category_source: enrollment.categorySource,
    removed_at: enrollment.removedAt?.toISOString() ?? null,
    created_at: enrollment.createdAt.toISOString(),
  };
}

export function presentEnrollmentDetails(details: EnrollmentDetails): EnrollmentDetailsView {
  const live = details.live;
  return {
    ...presentEnrollment(details.enrollment),
    contact_email: details.contactEmail,
    workflow: live && {
      status: live.status,
      current_step: live.currentStep,
      total_steps: live.totalSteps,
      next_step: live.nextStep,
      next_send_at: live.nextSendAt,
      paused: live.paused,
      campaign_paused: live.campaignPaused,
      last_error: live.lastError,
    },
  };
}

/** A campaign's sequence: its steps in order, each with its variants. */
export function presentSequence({ steps, variants }: Sequence): SequenceStepView[] {
  return steps.map((step) => ({
    position: step.position,
    delay_minutes: step.delayMinutes,
    subject: step.subject,
    body_html: step.bodyHtml,
    body_text: step.bodyText,
    variants: (variants.get(step.id) ?? []).map((variant) => ({
      label: variant.label,
      subject: variant.subject,
      body_html: variant.bodyHtml,
      body_text: variant.bodyText,
      weight: variant.weight,
    })),
    winner_label: step.winnerLabel,
  }));
}
