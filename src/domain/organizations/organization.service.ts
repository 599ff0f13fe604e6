import type { Database, Repositories } from '../../db/repositories';
import type { MailboxStatus, ImapStatus } from '../../db/entities/mailbox.entity';
import type { ApiKeySummary, OrganizationSummary } from '../../db/repositories/organization.repository';
import { AppError, notFound } from '../errors';
import { HEALTH_MINIMUM_SENDS, HEALTH_WINDOW_SENDS } from '../inbound/mailbox-health';
import { displayPrefix, generateApiKey, hashApiKey } from './api-keys';

export type { ApiKeySummary, OrganizationSummary };

export interface CreatedOrganization {
  organizationId: string;
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

export interface CreatedApiKey {
  keyId: string;
  keyPrefix: string;
  /** Shown once: only its hash is stored. */
  apiKey: string;
}

/** What revoking did: `alreadyRevoked` when the key was revoked before (revoking is idempotent). */
export interface RevokedApiKey {
  keyId: string;
  revokedAt: Date;
  alreadyRevoked: boolean;
}

/** A mailbox as an administrator checks it: its state, today's use and its bounce rate; never its secrets. */
export interface MailboxHealthReport {
  id: string;
  organizationId: string;
  label: string | null;
  fromEmail: string;
  status: MailboxStatus;
  disabledReason: string | null;
  /** The SMTP reply that put it in `error`, and when. */
  smtpError: string | null;
  smtpErrorAt: Date | null;
  dailyLimit: number;
  /** New conversations it started since midnight UTC. */
  sentToday: number;
  /** Its last settled sends (at most HEALTH_WINDOW_SENDS) since it was last (re-)enabled, and how many bounced. */
  recentSends: number;
  recentBounces: number;
  /** Bounced ÷ sent in percent (one decimal), null before any send. */
  bounceRatePercent: number | null;
  /** Whether there are enough sends (HEALTH_MINIMUM_SENDS) for the rate to be held against a campaign's threshold. */
  bounceRateJudged: boolean;
  /** Whether it has IMAP settings, and so a monitor reading its replies and bounces. */
  imapConfigured: boolean;
  imapStatus: ImapStatus | null;
  imapError: string | null;
}

/** Tenants and their API keys. */
export class OrganizationService {
  constructor(private readonly db: Database) {}

  /** Creates an organization with one API key (the given one, or a generated one). */
  async create(
    name: string,
    options: { apiKey?: string; monthlyLimit?: number | null } = {},
  ): Promise<CreatedOrganization> {
    return this.db.transaction(async (repos) => {
      const organization = await repos.organizations.create(name, options.monthlyLimit ?? null);
      const apiKey = options.apiKey ?? generateApiKey();
      await repos.organizations.insertApiKey({
        organizationId: organization.id,
        name: 'default',
        keyPrefix: displayPrefix(apiKey),
        keyHash: hashApiKey(apiKey),
      });
      return { organizationId: organization.id, apiKey };
    });
  }

  /**
   * On a database without organizations, creates the default one with `bootstrapApiKey` (or a generated key,
   * returned so it can be printed once). Does nothing when an organization exists.
   */
  async bootstrap(
    bootstrapApiKey: string | undefined,
  ): Promise<{ created: false } | ({ created: true } & CreatedOrganization)> {
    return this.db.transaction(async (repos) => {
      await repos.organizations.lockForBootstrap();
      if ((await repos.organizations.count()) > 0) return { created: false };
      const organization = await repos.organizations.create('Default organization');
      const apiKey = bootstrapApiKey ?? generateApiKey();
      await repos.organizations.insertApiKey({
        organizationId: organization.id,
        name: 'bootstrap',
        keyPrefix: displayPrefix(apiKey),
        keyHash: hashApiKey(apiKey),
      });
      return { created: true, organizationId: organization.id, apiKey };
    });
  }

  /** Every organization, oldest first, with its number of active API keys. */
  list(): Promise<OrganizationSummary[]> {
    return this.db.repos.organizations.listWithActiveKeys();
  }

  /** The organization's API keys (prefix, never the hash), oldest first. */
  async listKeys(organizationId: string): Promise<ApiKeySummary[]> {
    await this.requireOrganization(this.db.repos, organizationId);
    return this.db.repos.organizations.apiKeys(organizationId);
  }

  /** A new API key for the organization, returned once. */
  async createKey(organizationId: string, name: string): Promise<CreatedApiKey> {
    return this.db.transaction(async (repos) => {
      await this.requireOrganization(repos, organizationId);
      return this.insertKey(repos, organizationId, name);
    });
  }

  /**
   * Revokes one of the organization's keys; idempotent. Refuses the organization's last active key unless `force`:
   * without a key the organization is locked out of the API.
   */
  async revokeKey(organizationId: string, keyId: string, options: { force?: boolean } = {}): Promise<RevokedApiKey> {
    return this.db.transaction(async (repos) => {
      await this.requireOrganization(repos, organizationId);
      const keys = await repos.organizations.lockApiKeys(organizationId);
      const key = keys.find((candidate) => candidate.id === keyId);
      if (!key) throw notFound('not_found', 'API key');
      if (key.revokedAt) return { keyId, revokedAt: key.revokedAt, alreadyRevoked: true };
      const othersActive = keys.filter((candidate) => candidate.id !== keyId && !candidate.revokedAt).length;
      if (othersActive === 0 && !options.force) {
        throw new AppError(
          'conflict',
          "This is the organization's last active API key: revoking it would lock the organization out of the API. " +
            'Create another key first, or rotate this one.',
        );
      }
      return { keyId, revokedAt: await repos.organizations.revokeApiKey(keyId), alreadyRevoked: false };
    });
  }

  /** Replaces a key in one transaction: a new key is created (returned once) and the old one revoked. */
  async rotateKey(
    organizationId: string,
    keyId: string,
    options: { name?: string } = {},
  ): Promise<CreatedApiKey & { revokedKeyId: string }> {
    return this.db.transaction(async (repos) => {
      await this.requireOrganization(repos, organizationId);
      const old = (await repos.organizations.lockApiKeys(organizationId)).find((key) => key.id === keyId);
      if (!old) throw notFound('not_found', 'API key');
      if (old.revokedAt) {
        throw new AppError(
          'conflict',
          `The API key was already revoked at ${old.revokedAt.toISOString()}; create a new key instead.`,
        );
      }
      const created = await this.insertKey(repos, organizationId, options.name ?? old.name);
      await repos.organizations.revokeApiKey(keyId);
      return { ...created, revokedKeyId: keyId };
    });
  }

  /** Every mailbox, or an organization's, with its use today (in its zone) and its bounce rate over its recent sends. */
  async mailboxHealth(organizationId?: string): Promise<MailboxHealthReport[]> {
    if (organizationId) await this.requireOrganization(this.db.repos, organizationId);
    const usage = await this.db.repos.mailboxes.usageForOrganization(organizationId ?? null);
    return Promise.all(
      usage.map(async ({ mailbox, sentToday }) => {
        const health = await this.db.repos.mailboxes.sendHealth(mailbox.id, HEALTH_WINDOW_SENDS);
        return {
          id: mailbox.id,
          organizationId: mailbox.organizationId,
          label: mailbox.label,
          fromEmail: mailbox.fromEmail,
          status: mailbox.status,
          disabledReason: mailbox.disabledReason,
          smtpError: mailbox.smtpError,
          smtpErrorAt: mailbox.smtpErrorAt,
          dailyLimit: mailbox.dailyLimit,
          sentToday,
          recentSends: health.sent,
          recentBounces: health.bounced,
          bounceRatePercent: health.sent === 0 ? null : Math.round((health.bounced / health.sent) * 1000) / 10,
          bounceRateJudged: health.sent >= HEALTH_MINIMUM_SENDS,
          imapConfigured: mailbox.imapHost !== null,
          imapStatus: mailbox.imapStatus,
          imapError: mailbox.imapError,
        };
      }),
    );
  }

  /** The organization a key belongs to, or null for an unknown or revoked key. */
  authenticate(apiKey: string): Promise<string | null> {
    return this.db.repos.organizations.findOrganizationIdByKeyHash(hashApiKey(apiKey));
  }

  private async requireOrganization(repos: Repositories, organizationId: string): Promise<void> {
    if (!(await repos.organizations.findById(organizationId))) throw notFound('not_found', 'Organization');
  }

  private async insertKey(repos: Repositories, organizationId: string, name: string): Promise<CreatedApiKey> {
    const apiKey = generateApiKey();
    const keyPrefix = displayPrefix(apiKey);
    const keyId = await repos.organizations.insertApiKey({
      organizationId,
      name,
      keyPrefix,
      keyHash: hashApiKey(apiKey),
    });
    return { keyId, keyPrefix, apiKey };
  }
}
