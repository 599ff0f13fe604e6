// A campaign's own use cases: creating it (its credentials upserted as the organization's mailboxes, its lists and
// outreach checked), its details and statistics, changing its settings, re-enabling a mailbox, and its skips, replies
// and send forecast. Over ~300 lines: thin use cases over the campaign's own record, each scoped by one lookup
// (`require`, which the content service calls too); its control, content and fan-out have services of their own.
import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ListEntity } from '../../db/entities/list.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { SequenceStepEntity } from '../../db/entities/sequence-step.entity';
import type { StepVariantEntity } from '../../db/entities/step-variant.entity';
import type { Database, Repositories } from '../../db/repositories';
import type {
  BatchStats,
  BounceRow,
  CampaignTotals,
  SendCounts,
  StepStats,
} from '../../db/repositories/stats.repository';
import type { SkipKind } from '../../db/entities/enrollment-skip.entity';
import type { SkipRow } from '../../db/repositories/skip.repository';
import type { CampaignSettings, NewStep } from '../../db/repositories/campaign.repository';
import type { SecretBox } from '../../crypto/secret-box';
import type { OutboundHostPolicy } from '../../mail/outbound-host-policy';
import { campaignZone } from '../delivery/sending-day';
import { checkHosts, mailboxSettings, omittedSettings, type MailboxInput } from '../mailboxes/mailbox-settings';
import { limitOnRampDay } from '../mailboxes/mailbox-warmup';
import { forecastSends } from './send-forecast';
import { AppError, notFound } from '../errors';

/** The rows and shapes the service's results carry, for the API to present. */
export type { CampaignEntity, CampaignSettings, MailboxEntity, MailboxInput, SendCounts };

export type StepInput = NewStep;

export interface CreateCampaignInput extends CampaignSettings {
  /** The organization's lists to associate, in order; the first receives contacts scheduled through the campaign. */
  listUuids: string[];
  mailboxes: MailboxInput[];
  steps: StepInput[];
}

export interface CampaignDetails {
  campaign: CampaignEntity;
  lists: ListEntity[];
  steps: SequenceStepEntity[];
  /** Each step's A/B variants, by step id (absent: the step has none). */
  variants: Map<string, StepVariantEntity[]>;
  totals: CampaignTotals;
  /** Percentages per message sent, rounded to one decimal. */
  rates: { bounceRate: number; openRate: number; replyRate: number };
  mailboxes: { mailbox: MailboxEntity; sentToday: number }[];
  perBatch: BatchStats[];
  perStep: StepStats[];
  recentBounces: BounceRow[];
  skipped: Map<SkipKind, number>;
}

/** How many of the latest bounces a campaign's details show. */
const RECENT_BOUNCES = 20;

/** Campaigns: their steps and the organization mailboxes they send from. */
export class CampaignService {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly hosts: Pick<OutboundHostPolicy, 'refusalWithoutLookup'>,
  ) {}

  /** Creates a pending campaign; its SMTP credentials become (or update) the organization's mailboxes. */
  async create(organizationId: string, input: CreateCampaignInput): Promise<CampaignEntity> {
    checkHosts(
      this.hosts,
      input.mailboxes.map((mailbox, index) => ({
        at: `campaign.smtp_credentials.${index}.`,
        smtpHost: mailbox.smtpHost,
        imapHost: mailbox.imap?.host,
      })),
    );
    return this.db.transaction(async (repos) => {
      await this.checkOutreach(repos, organizationId, input.outreachId);
      const lists = await repos.lists.findManyByUuid(organizationId, input.listUuids);
      const missing = input.listUuids
        .map((uuid, index) => ({ uuid, index }))
        .filter(({ uuid }) => !lists.some((list) => list.uuid === uuid));
      if (missing.length > 0) {
        throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
          errors: missing.map(({ uuid, index }) => `campaign.list_uuids.${index}: list ${uuid} not found`),
        });
      }
      const mailboxIds: string[] = [];
      for (const mailbox of input.mailboxes) {
        // A new mailbox counts its days where its first campaign sends; an existing one keeps its zone.
        const settings = mailboxSettings(organizationId, mailbox, this.secrets, input.schedule?.timezone ?? 'UTC');
        const saved = await repos.mailboxes.upsert(settings, omittedSettings(mailbox));
        mailboxIds.push(saved.id);
      }
      const { listUuids: _lists, mailboxes: _mailboxes, steps, ...settings } = input;
      const campaign = await repos.campaigns.create({ ...settings, organizationId }, steps, mailboxIds);
      const listIds = input.listUuids.map((uuid) => lists.find((list) => list.uuid === uuid)!.id);
      await repos.lists.associateWithCampaign(campaign.id, [...new Set(listIds)]);
      return campaign;
    });
  }

  /** The organization's campaigns, newest first. */
  list(organizationId: string): Promise<CampaignEntity[]> {
    return this.db.repos.campaigns.listByOrganization(organizationId);
  }

  /** The campaign with its steps, mailboxes (with today's usage) and delivery statistics. */
  async details(organizationId: string, campaignId: string): Promise<CampaignDetails> {
    const campaign = await this.require(organizationId, campaignId);
    const { repos } = this.db;
    const [lists, steps, variants, totals, mailboxes, perBatch, perStep, recentBounces, skipped] = await Promise.all([
      repos.lists.forCampaign(campaignId),
      repos.campaigns.steps(campaignId),
      repos.campaigns.variants(campaignId),
      repos.stats.campaignTotals(campaignId),
      repos.mailboxes.usageForCampaign(campaignId),
      repos.stats.perBatch(campaignId),
      repos.stats.perStep(campaignId),
      repos.stats.recentBounces(campaignId, RECENT_BOUNCES),
      repos.skips.countsByKind(campaignId),
    ]);
    const percent = (count: number): number => (totals.sent === 0 ? 0 : Math.round((count / totals.sent) * 1000) / 10);
    return {
      campaign,
      lists,
      steps,
      variants,
      totals,
      rates: {
        bounceRate: percent(totals.bounced),
        openRate: percent(totals.opened),
        replyRate: percent(totals.replied),
      },
      mailboxes,
      perBatch,
      perStep,
      recentBounces,
      skipped,
    };
  }

  /** Changes the given settings; an outreach must be the organization's, and the waits stay in order. */
  async update(
    organizationId: string,
    campaignId: string,
    settings: Partial<CampaignSettings>,
  ): Promise<CampaignEntity> {
    return this.db.transaction(async (repos) => {
      const campaign = await this.require(organizationId, campaignId);
      if (settings.outreachId !== undefined) await this.checkOutreach(repos, organizationId, settings.outreachId);
      const minWait = settings.minWaitSeconds ?? campaign.minWaitSeconds;
      const maxWait = settings.maxWaitSeconds ?? campaign.maxWaitSeconds;
      if (maxWait < minWait) {
        throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
          errors: [`campaign.max_wait_seconds: must be at least min_wait_seconds (${minWait})`],
        });
      }
      await repos.campaigns.update(campaignId, settings);
      return { ...campaign, ...settings };
    });
  }

  private async checkOutreach(repos: Repositories, organizationId: string, outreachId: string | null): Promise<void> {
    if (outreachId && !(await repos.outreaches.findById(organizationId, outreachId))) {
      throw new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
        errors: [`campaign.outreach_id: outreach ${outreachId} not found`],
      });
    }
  }

  /** Clears an automatic (or manual) disable of one of the campaign's mailboxes. */
  async reenableMailbox(
    organizationId: string,
    campaignId: string,
    mailboxId: string,
  ): Promise<{ mailbox: MailboxEntity; sentToday: number }> {
    await this.require(organizationId, campaignId);
    const mailbox = await this.db.repos.mailboxes.reenable(campaignId, mailboxId);
    if (!mailbox) throw notFound('credential_not_found', 'Credential');
    return { mailbox, sentToday: await this.sentToday(mailbox.id) };
  }

  /** The campaign's latest skipped enrollments, optionally of one kind. */
  async skips(
    organizationId: string,
    campaignId: string,
    kind: SkipKind | undefined,
    limit: number,
  ): Promise<SkipRow[]> {
    await this.require(organizationId, campaignId);
    return this.db.repos.skips.recent(campaignId, kind, limit);
  }

  /** The campaign's replied enrollments, latest first, with when the sequence began. */
  async replies(organizationId: string, campaignId: string, limit: number) {
    await this.require(organizationId, campaignId);
    return this.db.repos.stats.replies(campaignId, limit);
  }

  /**
   * Forecasts the next `days` days of sends from the running enrollments' due steps and the mailboxes' daily
   * limits (see forecastSends). Held (paused) enrollments are counted apart: they send nothing until resumed.
   */
  async forecast(organizationId: string, campaignId: string, days: number) {
    const campaign = await this.require(organizationId, campaignId);
    const now = new Date();
    const zone = campaignZone(campaign);
    const { repos } = this.db;
    const [steps, enrollments, usage, held] = await Promise.all([
      repos.campaigns.steps(campaignId),
      repos.enrollments.scheduled(campaignId),
      repos.mailboxes.usageForCampaign(campaignId, now),
      repos.enrollments.countHeld(campaignId),
    ]);
    const plan = steps.map((step) => ({ position: step.position, delayMs: Math.round(step.delayMinutes * 60_000) }));
    const result = forecastSends({
      now,
      zone,
      days,
      steps: plan,
      enrollments: enrollments.flatMap((enrollment) => {
        const next = plan.find((step) => step.position > enrollment.currentStep);
        if (!next) return [];
        // Before its workflow records the schedule, a just-started enrollment's next step is due from its start.
        const dueAt = enrollment.nextSendAt ?? new Date((enrollment.startedAt ?? now).getTime() + next.delayMs);
        return [{ nextPosition: next.position, dueAt, mailboxId: enrollment.mailboxId }];
      }),
      mailboxes: usage.map(({ mailbox, sentToday, limitToday, warmupDay }) => ({
        id: mailbox.id,
        status: mailbox.status,
        dailyLimit: mailbox.dailyLimit,
        sentToday,
        // A warm-up ramp rises day by day (counted in the mailbox's zone, here in the campaign's days).
        limitOn: (index: number) => (index === 0 ? limitToday : limitOnRampDay(mailbox, warmupDay + index)),
      })),
    });
    return { ...result, held };
  }

  /** The new conversations the mailbox started today (in its timezone), across every campaign. */
  sentToday(mailboxId: string): Promise<number> {
    return this.db.repos.mailboxes.sentToday(mailboxId);
  }

  /** The organization's campaign, or `campaign_not_found`. */
  async require(organizationId: string, campaignId: string): Promise<CampaignEntity> {
    const campaign = await this.db.repos.campaigns.findById(organizationId, campaignId);
    if (!campaign) throw notFound('campaign_not_found', 'Campaign');
    return campaign;
  }
}
