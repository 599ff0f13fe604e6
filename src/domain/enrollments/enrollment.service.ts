import type { ContactFields } from '../../db/entities/contact.entity';
import { FINAL_ENROLLMENT_STATUSES, type EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { Database, Repositories } from '../../db/repositories';
import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { CampaignService } from '../campaigns/campaign.service';
import type { MailHostResolver } from '../contacts/email-validation';
import { pickMailboxWithMostRoom } from '../delivery/mailbox-selection';
import { screenForDispatch } from './dispatch-screening';
import { normalizeEmail } from '../contacts/email';
import type { CampaignFanoutService } from '../campaigns/campaign-fanout.service';
import { transitionCampaign } from '../events/campaign-moves';
import { AppError, notFound } from '../errors';
import type { EnrollmentLiveState, EnrollmentWorkflowsPort } from './enrollment-workflows.port';

/** The enrollment row its details (and the API's other enrollment answers) carry. */
export type { EnrollmentEntity };

export interface NewContactInput {
  email: string;
  fields: ContactFields;
  timezone: string | null;
}

export interface EnrollContactInput {
  contactId?: string | undefined;
  contact?: NewContactInput | undefined;
  batchNumber: number;
  priority: number;
}

export interface EnrollmentDetails {
  enrollment: EnrollmentEntity;
  contactEmail: string;
  /** Live state from the workflow; null once it has finished or when Temporal cannot be reached. */
  live: EnrollmentLiveState | null;
}

/** Renders every step for these enrollments; throws `missing_merge_field` naming the contacts and fields. */
export interface RenderabilityCheck {
  assertRenderable(campaignId: string, enrollments: EnrollmentEntity[]): Promise<void>;
}

/** Rows per set-based insert when enrolling a whole list (each insert takes one array parameter per column). */
const ENROLL_CHUNK = 10_000;

/** Enrolling contacts in campaigns and dispatching their workflows. */
export class EnrollmentService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
    private readonly workflows: EnrollmentWorkflowsPort,
    private readonly mailHosts: MailHostResolver,
    private readonly content: RenderabilityCheck,
    private readonly fanout: CampaignFanoutService,
  ) {}

  /** Enrolls an existing contact, or creates/reuses one by email; the enrollment waits for dispatch. */
  async enrollContact(
    organizationId: string,
    campaignId: string,
    input: EnrollContactInput,
  ): Promise<EnrollmentEntity> {
    await this.campaigns.require(organizationId, campaignId);
    return this.db.transaction(async (repos) => {
      let contactId: string;
      if (input.contactId) {
        const contact = await repos.contacts.findById(organizationId, input.contactId);
        if (!contact) throw notFound('contact_not_found', 'Contact');
        contactId = contact.id;
      } else if (input.contact) {
        const email = normalizeEmail(input.contact.email);
        if (!email) {
          throw new AppError('validation_failed', 'Validation failed.', {
            errors: [`contact.email: "${input.contact.email}" is not a valid email address`],
          });
        }
        contactId = (await repos.contacts.upsertByEmail(organizationId, { ...input.contact, email })).id;
      } else {
        throw new AppError('validation_failed', 'Validation failed.', {
          errors: ['contact_id or contact is required'],
        });
      }
      const enrollment = await repos.enrollments.insertIfAbsent({
        organizationId,
        campaignId,
        contactId,
        batchNumber: input.batchNumber,
        priority: input.priority,
        workflowId: this.workflows.workflowIdOf(campaignId, contactId),
      });
      if (!enrollment) {
        // A lead removed from the campaign keeps its enrollment, so that it is never sent the sequence again.
        const [existing] = await repos.enrollmentControl.ofContact(contactId, campaignId);
        throw new AppError(
          'contact_already_enrolled',
          existing?.removedAt
            ? `Contact ${contactId} was removed from this campaign; it is not enrolled in it again.`
            : `Contact ${contactId} is already enrolled in this campaign.`,
        );
      }
      return enrollment;
    });
  }

  /**
   * Enrolls every contact of one of the organization's lists (a "contact import" in the reference) into a batch,
   * set-based; contacts already enrolled are left as they are. Returns how many were enrolled now.
   */
  async enrollList(
    organizationId: string,
    campaignId: string,
    listUuid: string,
    batchNumber: number,
    priority: number,
  ): Promise<{ enrolled: number; alreadyEnrolled: number }> {
    await this.campaigns.require(organizationId, campaignId);
    return this.db.transaction(async (repos) => {
      const list = await repos.lists.findByUuid(organizationId, listUuid);
      if (!list) throw notFound('contact_import_not_found', 'Contact import');
      const contactIds = await repos.lists.memberIds(list.id);
      const batch = { organizationId, campaignId, batchNumber, priority };
      const enrolled = await this.insertMissing(repos, batch, contactIds);
      return { enrolled, alreadyEnrolled: contactIds.length - enrolled };
    });
  }

  /**
   * Enrolls these contacts of the organization (by id) into a batch, set-based; those already in the campaign (removed
   * ones too) are left as they are. Returns how many were enrolled now.
   */
  async enrollContacts(
    organizationId: string,
    campaignId: string,
    contactIds: readonly string[],
    batchNumber: number,
    priority: number,
  ): Promise<{ enrolled: number }> {
    await this.campaigns.require(organizationId, campaignId);
    const batch = { organizationId, campaignId, batchNumber, priority };
    return { enrolled: await this.insertMissing(this.db.repos, batch, contactIds) };
  }

  /** Inserts the contacts' enrollments missing from the campaign, a chunk per statement; returns how many. */
  private async insertMissing(
    repos: Repositories,
    batch: { organizationId: string; campaignId: string; batchNumber: number; priority: number },
    contactIds: readonly string[],
  ): Promise<number> {
    let enrolled = 0;
    for (let index = 0; index < contactIds.length; index += ENROLL_CHUNK) {
      enrolled += await repos.enrollments.insertMissing(
        contactIds.slice(index, index + ENROLL_CHUNK).map((contactId) => ({
          ...batch,
          contactId,
          workflowId: this.workflows.workflowIdOf(batch.campaignId, contactId),
        })),
      );
    }
    return enrolled;
  }

  /**
   * Starts the workflows of one batch's pending enrollments (the lowest pending batch when none is given) and
   * activates the campaign. Refuses, as the reference does, when the plan's monthly sends are used up (402), when
   * every mailbox is at its daily limit, or when the campaign cannot send. Contacts that must not be emailed are
   * skipped (and listed in the skips audit). The others are queued for their start in the same transaction: the
   * first few dozen start before the answer, the rest in the campaign's background job. Starts are idempotent,
   * so an interrupted dispatch can be repeated.
   */
  async dispatch(
    organizationId: string,
    campaignId: string,
    batchNumber: number | undefined,
  ): Promise<{ batchNumber: number; dispatched: number; skipped: number }> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    await this.refuseUnlessDispatchable(organizationId, campaign);
    const batch = batchNumber ?? (await this.db.repos.enrollments.nextPendingBatch(campaignId));
    const pending = batch === null ? [] : await this.db.repos.enrollments.pendingInBatch(campaignId, batch);
    if (batch === null || pending.length === 0) {
      throw new AppError(
        'no_pending_enrollments',
        batchNumber === undefined
          ? 'There are no pending enrollments to dispatch; enroll contacts first.'
          : `Batch ${batchNumber} has no pending enrollments.`,
      );
    }

    const { send, skips } = await screenForDispatch(this.db.repos, campaign, pending, this.mailHosts);
    // Before anything is written or started: a missing merge field refuses the whole batch, naming the contacts.
    await this.content.assertRenderable(campaignId, send);
    await this.db.transaction(async (repos) => {
      await repos.skips.insertMany(
        skips.map(({ enrollment, kind, detail }) => ({
          organizationId,
          campaignId,
          enrollmentId: enrollment.id,
          contactId: enrollment.contactId,
          kind,
          detail,
        })),
      );
      await repos.enrollments.markSkipped(skips.map(({ enrollment }) => enrollment.id));
      await repos.enrollments.requestStarts(send.map((enrollment) => enrollment.id));
    });
    // A completed campaign has something to send again.
    if (campaign.status === 'pending' || campaign.status === 'completed') {
      await transitionCampaign(this.db, campaignId, ['pending', 'completed'], 'active');
    }
    await this.fanout.startSoon(campaignId);
    // Every contact of the batch skipped: nothing runs, and the campaign may be done.
    if (send.length === 0) await this.db.repos.campaigns.completeIfFinished(campaignId);
    return { batchNumber: batch, dispatched: send.length, skipped: skips.length };
  }

  private async refuseUnlessDispatchable(organizationId: string, campaign: CampaignEntity): Promise<void> {
    if (campaign.status === 'paused' || campaign.status === 'stopped' || campaign.status === 'archived') {
      throw new AppError(
        'campaign_not_dispatchable',
        `The campaign is ${campaign.status}; ${campaign.status === 'paused' ? 'resume it' : 'create a new one'} to send.`,
        { extra: { current_state: campaign.status } },
      );
    }
    const [steps, mailboxCount] = await Promise.all([
      this.db.repos.campaigns.steps(campaign.id),
      this.db.repos.campaigns.countMailboxes(campaign.id),
    ]);
    if (steps.length === 0 || mailboxCount === 0) {
      throw new AppError(
        'campaign_not_dispatchable',
        'The campaign needs at least one sequence step and one SMTP credential before it can be dispatched.',
      );
    }
    const plan = await this.db.repos.organizations.plan(organizationId);
    if (plan.monthlyLimit !== null && plan.sentThisMonth >= plan.monthlyLimit) {
      throw new AppError(
        'plan_limit_reached',
        `Your plan allows ${plan.monthlyLimit} sends a month and ${plan.sentThisMonth} were sent this month; ` +
          'dispatch again next month or raise the plan limit.',
        { extra: { monthly_limit: plan.monthlyLimit, sent_this_month: plan.sentThisMonth } },
      );
    }
    const usage = await this.db.repos.mailboxes.usageForCampaign(campaign.id);
    if (!pickMailboxWithMostRoom(usage)) {
      throw new AppError(
        'all_credentials_at_limit',
        'Every SMTP credential of the campaign is disabled or has reached its daily_limit (or warm-up limit) today; ' +
          'dispatch again tomorrow, re-enable a credential or add one.',
      );
    }
  }

  /** One enrollment with the live state of its workflow. */
  async details(organizationId: string, campaignId: string, enrollmentId: string): Promise<EnrollmentDetails> {
    await this.campaigns.require(organizationId, campaignId);
    const enrollment = await this.db.repos.enrollments.findInCampaign(organizationId, campaignId, enrollmentId);
    if (!enrollment) throw notFound('enrollment_not_found', 'Enrollment');
    const running = enrollment.status !== 'pending' && !FINAL_ENROLLMENT_STATUSES.includes(enrollment.status);
    return {
      enrollment,
      contactEmail: enrollment.contact?.email ?? '',
      live: running ? await this.workflows.state(enrollment.workflowId) : null,
    };
  }
}
