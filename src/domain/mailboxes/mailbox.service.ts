// The organization's mailboxes as a resource: listed, read, created, changed, deleted, and attached to or detached from
// campaigns. A campaign's `smtp_credentials` stay a shortcut that creates or updates the same rows (CampaignService).
import type { MailboxEntity, SmtpSecurity } from '../../db/entities/mailbox.entity';
import type { CampaignRef, MailboxChanges, MailboxHealthRow } from '../../db/repositories/mailbox-admin.repository';
import type { Database, Repositories } from '../../db/repositories';
import type { MailboxUsage } from '../../db/repositories/mailbox.repository';
import type { SecretBox } from '../../crypto/secret-box';
import type { OutboundHostPolicy } from '../../mail/outbound-host-policy';
import { AppError, notFound } from '../errors';
import { mailboxDisabled } from '../events/event-builders';
import { HEALTH_WINDOW_SENDS } from '../inbound/mailbox-health';
import type { MailboxMonitorsPort } from '../inbound/mailbox-monitors.port';
import type { MailboxCheck, MailboxChecker } from './mailbox-check';
import { warmupColumns, type WarmupInput } from './mailbox-warmup';
import {
  checkHosts,
  dkimColumns,
  fromEmailOf,
  imapColumns,
  mailboxSettings,
  smtpSecurityFor,
  type DkimInput,
  type ImapInput,
  type MailboxInput,
} from './mailbox-settings';

export type { CampaignRef, MailboxCheck, MailboxEntity, MailboxHealthRow, MailboxInput };

/** A mailbox with what its views show beside its settings. */
export interface MailboxDetails {
  mailbox: MailboxEntity;
  /** New conversations it started today (in its zone), across every campaign. */
  sentToday: number;
  campaigns: CampaignRef[];
  /** Its limit today (lower while it warms up) and its recent bounce figures. */
  health: MailboxHealthRow;
}

/**
 * A change to a mailbox: each field left out keeps its value. IMAP fields merge into the stored ones (all four of
 * host, port, username and password are needed when the mailbox has none); `imap: null` and `dkim: null` remove
 * those settings. `status` is the user's switch: `disabled` stops its sends, `active` re-enables it (from `disabled`
 * or `error`).
 */
export interface MailboxPatch {
  label?: string | null | undefined;
  smtpHost?: string | undefined;
  smtpPort?: number | undefined;
  smtpSecurity?: SmtpSecurity | undefined;
  smtpUsername?: string | undefined;
  smtpPassword?: string | undefined;
  fromEmail?: string | undefined;
  fromName?: string | null | undefined;
  dailyLimit?: number | undefined;
  imap?: Partial<ImapInput> | null | undefined;
  dkim?: DkimInput | null | undefined;
  status?: 'active' | 'disabled' | undefined;
  /** Null removes it. */
  signature?: string | null | undefined;
  /** Merged into the stored ramp; null turns it off and forgets it. */
  warmup?: WarmupInput | null | undefined;
}

/** What detaching a mailbox from a campaign did. */
export interface Detached {
  /** Unfinished conversations moved to the campaign's other mailboxes (`reassign`); else they wait for it. */
  reassigned: number;
}

const VALIDATION_FAILED = 'Validation failed: fix the listed fields and try again.';

export class MailboxService {
  constructor(
    private readonly db: Database,
    private readonly secrets: SecretBox,
    private readonly hosts: Pick<OutboundHostPolicy, 'refusalWithoutLookup'>,
    private readonly monitors: MailboxMonitorsPort,
    private readonly checker: MailboxChecker,
  ) {}

  /** The organization's mailboxes, oldest first. */
  async list(organizationId: string): Promise<MailboxDetails[]> {
    return this.withCampaigns(await this.db.repos.mailboxes.usageForOrganization(organizationId));
  }

  async get(organizationId: string, mailboxId: string): Promise<MailboxDetails> {
    return this.details(await this.require(this.db.repos, organizationId, mailboxId));
  }

  /** Creates a mailbox; an account (SMTP host and username) the organization has already is a conflict. */
  async create(organizationId: string, input: MailboxInput & { timezone?: string }): Promise<MailboxDetails> {
    checkHosts(this.hosts, [{ at: '', smtpHost: input.smtpHost, imapHost: input.imap?.host }]);
    const settings = mailboxSettings(organizationId, input, this.secrets, input.timezone ?? 'UTC');
    const mailbox = await this.db.transaction(async (repos) => {
      await this.refuseTakenAccount(repos, organizationId, settings.smtpHost, settings.smtpUsername, null);
      return repos.mailboxAdmin.insert(settings);
    });
    return this.details(mailbox);
  }

  /** Changes the given settings (see MailboxPatch); new SMTP settings take a mailbox in `error` back into use. */
  async update(organizationId: string, mailboxId: string, patch: MailboxPatch): Promise<MailboxDetails> {
    checkHosts(this.hosts, [{ at: '', smtpHost: patch.smtpHost, imapHost: patch.imap?.host }]);
    const mailbox = await this.db.transaction(async (repos) => {
      // Of two status changes at once, the second reads the first's result: one `mailbox.disabled`, not two.
      if (patch.status !== undefined) await repos.mailboxes.lockOne(mailboxId);
      const current = await this.require(repos, organizationId, mailboxId);
      const smtpHost = patch.smtpHost?.toLowerCase() ?? current.smtpHost;
      const smtpUsername = patch.smtpUsername ?? current.smtpUsername;
      await this.refuseTakenAccount(repos, organizationId, smtpHost, smtpUsername, current.id);
      const changes: MailboxChanges = {
        ...defined({
          label: patch.label,
          smtpHost: patch.smtpHost === undefined ? undefined : smtpHost,
          smtpPort: patch.smtpPort,
          smtpSecurity:
            patch.smtpSecurity ?? (patch.smtpPort === undefined ? undefined : smtpSecurityFor(patch.smtpPort)),
          smtpUsername: patch.smtpUsername,
          smtpPasswordEncrypted:
            patch.smtpPassword === undefined ? undefined : this.secrets.encrypt(patch.smtpPassword),
          fromName: patch.fromName,
          dailyLimit: patch.dailyLimit,
          signature: patch.signature,
        }),
        ...(patch.warmup === undefined ? {} : warmupColumns(current, patch.warmup, new Date())),
        ...(patch.fromEmail !== undefined || patch.smtpUsername !== undefined
          ? { fromEmail: fromEmailOf(patch.fromEmail ?? current.fromEmail, smtpUsername, smtpHost) }
          : {}),
        ...(patch.imap === undefined ? {} : imapColumns(mergedImap(current, patch.imap, this.secrets), this.secrets)),
        ...(patch.dkim === undefined ? {} : dkimColumns(patch.dkim, this.secrets)),
        ...statusChanges(current, patch),
      };
      const updated = await repos.mailboxAdmin.update(current.id, changes);
      if (changes.status === 'disabled') {
        await repos.events.record([mailboxDisabled(updated, { reason: 'disabled by a user', source: 'user' })]);
      }
      return updated;
    });
    const details = await this.details(mailbox);
    // New IMAP settings are read by the monitor's next session; a mailbox that just got them needs a monitor.
    if (patch.imap && mailbox.imapHost && details.campaigns.length > 0) await this.monitors.watch([mailbox.id]);
    return details;
  }

  /**
   * Deletes a mailbox no message was ever sent from. One attached to campaigns is a conflict naming them, unless
   * `force` (it is detached from them first); one with sent messages is a conflict too: its conversations and
   * history refer to it, so it is disabled instead.
   */
  async delete(organizationId: string, mailboxId: string, force: boolean): Promise<void> {
    await this.db.transaction(async (repos) => {
      const mailbox = await this.require(repos, organizationId, mailboxId);
      const campaigns = (await repos.mailboxAdmin.campaignsUsing([mailbox.id])).get(mailbox.id)!;
      if (campaigns.length > 0 && !force) {
        throw new AppError(
          'conflict',
          `Mailbox ${mailbox.fromEmail} is attached to ${campaigns.length} campaign(s): ` +
            `${campaigns.map((campaign) => `"${campaign.name}" (${campaign.id})`).join(', ')}. ` +
            'Detach it from them first, or delete with force=true.',
          { extra: { campaigns } },
        );
      }
      if (await repos.mailboxAdmin.hasMessages(mailbox.id)) {
        throw new AppError(
          'conflict',
          `Mailbox ${mailbox.fromEmail} has sent messages, whose conversations and history refer to it: ` +
            'disable it instead (PATCH with status "disabled").',
        );
      }
      await repos.mailboxAdmin.delete(mailbox.id);
    });
  }

  /** Tests the mailbox's SMTP and IMAP accounts now and records the outcome on it (see MailboxChecker). */
  async check(organizationId: string, mailboxId: string): Promise<MailboxCheck> {
    return this.checker.check(await this.require(this.db.repos, organizationId, mailboxId));
  }

  /** The mailboxes a campaign sends from, oldest first. */
  async forCampaign(organizationId: string, campaignId: string): Promise<MailboxDetails[]> {
    await this.requireCampaign(this.db.repos, organizationId, campaignId);
    return this.withCampaigns(await this.db.repos.mailboxes.usageForCampaign(campaignId));
  }

  /** Attaches one of the organization's mailboxes to its campaign; `attached` is false when it already was. */
  async attach(
    organizationId: string,
    campaignId: string,
    mailboxId: string,
  ): Promise<{ attached: boolean; mailbox: MailboxDetails }> {
    const { attached, mailbox } = await this.db.transaction(async (repos) => {
      await this.requireCampaign(repos, organizationId, campaignId);
      const found = await this.require(repos, organizationId, mailboxId);
      return { attached: await repos.mailboxAdmin.attach(campaignId, found.id), mailbox: found };
    });
    if (mailbox.imapHost) await this.monitors.watch([mailbox.id]);
    return { attached, mailbox: await this.details(mailbox) };
  }

  /**
   * Detaches a mailbox from the campaign: it starts no new conversation there. Conversations it began wait for it
   * (their follow-ups come from the mailbox that sent step 1) until it is attached again, unless `reassign` moves
   * them to the campaign's other mailboxes. The campaign's last mailbox cannot be detached.
   */
  async detach(organizationId: string, campaignId: string, mailboxId: string, reassign: boolean): Promise<Detached> {
    return this.db.transaction(async (repos) => {
      await this.requireCampaign(repos, organizationId, campaignId);
      const mailbox = await this.require(repos, organizationId, mailboxId);
      // Claims hold the mailbox's row while they pick it: one under way ends first, and every later one sees this.
      await repos.mailboxes.lockOne(mailbox.id);
      const others = (await repos.mailboxes.forCampaign(campaignId)).filter((other) => other.id !== mailbox.id);
      if (!(await repos.mailboxAdmin.detach(campaignId, mailbox.id))) {
        throw new AppError('credential_not_found', `Mailbox ${mailbox.id} is not attached to campaign ${campaignId}.`);
      }
      if (others.length === 0) {
        throw new AppError(
          'conflict',
          `Mailbox ${mailbox.fromEmail} is the campaign's only mailbox: attach another before detaching it.`,
        );
      }
      const active = others.filter((other) => other.status === 'active');
      const reassigned = reassign
        ? await repos.mailboxAdmin.reassignConversations(
            campaignId,
            mailbox.id,
            (active.length > 0 ? active : others).map((other) => other.id),
          )
        : 0;
      return { reassigned };
    });
  }

  /** Mailboxes with today's usage, the campaigns each is attached to and their health (one query each for all). */
  private async withCampaigns(usage: Pick<MailboxUsage, 'mailbox' | 'sentToday'>[]): Promise<MailboxDetails[]> {
    const ids = usage.map(({ mailbox }) => mailbox.id);
    const [campaigns, health] = await Promise.all([
      this.db.repos.mailboxAdmin.campaignsUsing(ids),
      this.db.repos.mailboxAdmin.health(ids, new Date(), HEALTH_WINDOW_SENDS),
    ]);
    return usage.map(({ mailbox, sentToday }) => ({
      mailbox,
      sentToday,
      campaigns: campaigns.get(mailbox.id)!,
      health: health.get(mailbox.id)!,
    }));
  }

  private async details(mailbox: MailboxEntity): Promise<MailboxDetails> {
    const sentToday = await this.db.repos.mailboxes.sentToday(mailbox.id);
    return (await this.withCampaigns([{ mailbox, sentToday }]))[0]!;
  }

  private async require(repos: Repositories, organizationId: string, mailboxId: string): Promise<MailboxEntity> {
    const mailbox = await repos.mailboxAdmin.find(organizationId, mailboxId);
    if (!mailbox) throw notFound('mailbox_not_found', 'Mailbox');
    return mailbox;
  }

  private async requireCampaign(repos: Repositories, organizationId: string, campaignId: string): Promise<void> {
    if (!(await repos.campaigns.findById(organizationId, campaignId))) throw notFound('campaign_not_found', 'Campaign');
  }

  private async refuseTakenAccount(
    repos: Repositories,
    organizationId: string,
    smtpHost: string,
    smtpUsername: string,
    exceptId: string | null,
  ): Promise<void> {
    const existing = await repos.mailboxAdmin.findByAccount(organizationId, smtpHost, smtpUsername);
    if (existing && existing.id !== exceptId) {
      throw new AppError(
        'conflict',
        `Mailbox ${existing.id} already sends as ${smtpUsername} on ${smtpHost}: change it with PATCH /mailboxes/${existing.id}.`,
        { extra: { mailbox_id: existing.id } },
      );
    }
  }
}

/** The IMAP settings after a change: the given fields over the stored ones; null when removed. */
function mergedImap(current: MailboxEntity, imap: Partial<ImapInput> | null, secrets: SecretBox): ImapInput | null {
  if (imap === null) return null;
  const merged = {
    host: imap.host ?? current.imapHost,
    port: imap.port ?? current.imapPort,
    username: imap.username ?? current.imapUsername,
    password: imap.password ?? (current.imapPasswordEncrypted ? secrets.decrypt(current.imapPasswordEncrypted) : null),
    security: imap.security ?? (imap.port === undefined ? (current.imapSecurity ?? undefined) : undefined),
  };
  const missing = (['host', 'port', 'username', 'password'] as const).filter((field) => merged[field] === null);
  if (missing.length > 0) {
    throw new AppError('validation_failed', VALIDATION_FAILED, {
      errors: missing.map((field) => `imap_${field}: required, since the mailbox has no IMAP settings yet`),
    });
  }
  return merged as ImapInput;
}

/** The status bookkeeping a change brings: the user's switch, or new SMTP settings fixing a mailbox in `error`. */
function statusChanges(current: MailboxEntity, patch: MailboxPatch): MailboxChanges {
  const enable = {
    status: 'active',
    disabledAt: null,
    disabledReason: null,
    smtpError: null,
    smtpErrorAt: null,
  } as const;
  if (patch.status === 'disabled') {
    return current.status === 'disabled'
      ? {}
      : { status: 'disabled', disabledAt: new Date(), disabledReason: 'disabled by a user' };
  }
  // The bounce-rate window starts afresh, or the bounces that disabled it would disable it again at once.
  if (patch.status === 'active') return current.status === 'active' ? {} : { ...enable, healthSince: new Date() };
  const smtpChanged = ['smtpHost', 'smtpPort', 'smtpSecurity', 'smtpUsername', 'smtpPassword'].some(
    (field) => patch[field as keyof MailboxPatch] !== undefined,
  );
  return current.status === 'error' && smtpChanged ? enable : {};
}

/** The entries whose value is not undefined. */
function defined<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}
