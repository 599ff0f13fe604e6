import type { ContactEntity } from '../../db/entities/contact.entity';
import {
  FINAL_ENROLLMENT_STATUSES,
  type EnrollmentEntity,
  type EnrollmentStatus,
} from '../../db/entities/enrollment.entity';
import type { Database, Repositories } from '../../db/repositories';
import type { MovedEnrollment } from '../../db/repositories/enrollment-control.repository';
import type { CampaignService } from '../campaigns/campaign.service';
import { mapConcurrently } from '../../concurrency';
import { AppError, notFound } from '../errors';
import {
  enrollmentBounced,
  enrollmentReplied,
  enrollmentStopped,
  enrollmentFacts,
  contactBounced,
  leadUnsubscribed,
  type UnsubscribeSource,
} from '../events/event-builders';
import type { EnrollmentSignal, EnrollmentWorkflowsPort } from './enrollment-workflows.port';

/** One enrollment as a control call left it; `changed` is false when the call found it already so (or finished). */
export interface EnrollmentChange {
  enrollment: EnrollmentEntity;
  changed: boolean;
}

/** A change to a contact (unsubscribe, bounce) and every one of its enrollments as the change left them. */
export interface ContactChange {
  contact: ContactEntity;
  contactChanged: boolean;
  enrollments: EnrollmentChange[];
}

/** Where an unsubscribe came from, and the enrollment it came through when there is one (a message's link…). */
export interface UnsubscribeVia {
  source: UnsubscribeSource;
  enrollment?: EnrollmentEntity | null;
}

/** Statuses whose workflow is running and must be signalled to learn of a change. */
export const RUNNING_STATUSES: EnrollmentStatus[] = ['active', 'paused'];
/** Running, or not dispatched yet: what stop and unsubscribe end. */
export const NOT_FINISHED_STATUSES: EnrollmentStatus[] = ['pending', 'active', 'paused'];

/** How many signals are kept in flight at once. */
const SIGNAL_CONCURRENCY = 16;

/**
 * Pause, resume, stop and unsubscribe for single enrollments and whole contacts. The database is always changed
 * first and the workflow signalled after the commit: the send path re-reads the enrollment and the contact before
 * every send, so a signal that is late (or lost) can never let a later step out.
 */
export class EnrollmentControlService {
  constructor(
    private readonly db: Database,
    private readonly campaigns: CampaignService,
    private readonly workflows: EnrollmentWorkflowsPort,
  ) {}

  /** The organization's enrollment in that campaign (with its contact), or `campaign_not_found` / `enrollment_not_found`. */
  async require(organizationId: string, campaignId: string, enrollmentId: string): Promise<EnrollmentEntity> {
    await this.campaigns.require(organizationId, campaignId);
    const enrollment = await this.db.repos.enrollments.findInCampaign(organizationId, campaignId, enrollmentId);
    if (!enrollment) throw notFound('enrollment_not_found', 'Enrollment');
    return enrollment;
  }

  /** Holds the enrollment before its next step until it is resumed. */
  async pause(organizationId: string, campaignId: string, enrollmentId: string): Promise<EnrollmentChange> {
    return this.pauseEnrollment(await this.require(organizationId, campaignId, enrollmentId));
  }

  /** Lets a paused enrollment continue, its next send pushed at least `delayMinutes` away when given. */
  async resume(
    organizationId: string,
    campaignId: string,
    enrollmentId: string,
    delayMinutes: number | undefined,
  ): Promise<EnrollmentChange> {
    return this.resumeEnrollment(await this.require(organizationId, campaignId, enrollmentId), delayMinutes);
  }

  /** Ends the enrollment `stopped`; a pending one is stopped before it ever starts. */
  async stop(organizationId: string, campaignId: string, enrollmentId: string): Promise<EnrollmentChange> {
    const enrollment = await this.require(organizationId, campaignId, enrollmentId);
    const [change] = await this.end([enrollment], 'stopped', { from: NOT_FINISHED_STATUSES, signal: 'stop' });
    return change!;
  }

  /** Unsubscribes the enrollment's contact: this and every other unfinished enrollment of it ends `unsubscribed`. */
  async unsubscribe(
    organizationId: string,
    campaignId: string,
    enrollmentId: string,
  ): Promise<{ enrollment: EnrollmentChange; contact: ContactChange }> {
    const enrollment = await this.require(organizationId, campaignId, enrollmentId);
    const contact = await this.requireContact(organizationId, enrollment.contactId);
    const change = await this.unsubscribeContactEntity(contact, { source: 'api', enrollment });
    const own = change.enrollments.find((candidate) => candidate.enrollment.id === enrollment.id);
    return { enrollment: own ?? { enrollment, changed: false }, contact: change };
  }

  /** Global unsubscribe of one of the organization's contacts, or `contact_not_found`. */
  async unsubscribeContact(organizationId: string, contactId: string): Promise<ContactChange> {
    return this.unsubscribeContactEntity(await this.requireContact(organizationId, contactId), { source: 'api' });
  }

  /**
   * The contact becomes `unsubscribed`; its pending and running enrollments, in every campaign, end so. The first
   * time, `lead.unsubscribed` is recorded with the change.
   */
  async unsubscribeContactEntity(contact: ContactEntity, via: UnsubscribeVia): Promise<ContactChange> {
    let contactChanged = false;
    const moved = await this.changeThenSignal(async (repos) => {
      // A complaint is the stronger record, and stays.
      contactChanged = await repos.enrollmentControl.setContactStatus(
        contact.id,
        ['active', 'bounced', 'deactivated'],
        'unsubscribed',
      );
      if (contactChanged) {
        const through = via.enrollment ? enrollmentFacts(via.enrollment, contact.email) : null;
        await repos.events.record([leadUnsubscribed(contact, { scope: 'global', source: via.source, via: through })]);
      }
      const enrollments = await repos.enrollmentControl.ofContact(contact.id);
      return repos.enrollmentControl.end(ids(enrollments), NOT_FINISHED_STATUSES, 'unsubscribed');
    }, 'unsubscribed');
    return this.contactChange(contact, contactChanged, moved);
  }

  /**
   * The contact reported our mail as spam (an ARF complaint): it becomes `complained`, is never emailed again by
   * any campaign, and its pending and running enrollments end `unsubscribed`.
   */
  async complainContact(contact: ContactEntity): Promise<ContactChange> {
    let contactChanged = false;
    const moved = await this.changeThenSignal(async (repos) => {
      contactChanged = await repos.enrollmentControl.setContactStatus(
        contact.id,
        ['active', 'unsubscribed', 'bounced', 'deactivated'],
        'complained',
      );
      const enrollments = await repos.enrollmentControl.ofContact(contact.id);
      return repos.enrollmentControl.end(ids(enrollments), NOT_FINISHED_STATUSES, 'unsubscribed', 'spam complaint');
    }, 'unsubscribed');
    return this.contactChange(contact, contactChanged, moved);
  }

  /**
   * A hard bounce, reported by an integration or read from a delivery-status report: the contact becomes `bounced`
   * and its running enrollments, in every campaign, end so. Of `reported` (the enrollments the report names), a
   * completed one becomes `bounced` too, and the last message sent gets `bounced_at`. An integration's report
   * (`fromIntegration`) records `email.bounced` for each of them it ended (or for the contact, when it ended none);
   * a report read from a mailbox records its own.
   */
  async bounceContact(
    contact: ContactEntity,
    reported: EnrollmentEntity[],
    fromIntegration = false,
  ): Promise<ContactChange> {
    let contactChanged = false;
    const moved = await this.changeThenSignal(async (repos) => {
      contactChanged = await repos.enrollmentControl.setContactStatus(contact.id, ['active'], 'bounced');
      const enrollments = await repos.enrollmentControl.ofContact(contact.id);
      const ended = await repos.enrollmentControl.end(ids(reported), [...RUNNING_STATUSES, 'completed'], 'bounced');
      if (fromIntegration) {
        const events = ended.map(enrollmentBounced);
        if (events.length === 0 && contactChanged) events.push(contactBounced(contact));
        await repos.events.record(events);
      }
      const stamped = await stampEach(repos, ended, 'bounced_at');
      const others = await repos.enrollmentControl.end(ids(enrollments), RUNNING_STATUSES, 'bounced');
      return [...stamped, ...others];
    }, 'bounced');
    return this.contactChange(contact, contactChanged, moved);
  }

  /**
   * The contact replied: these enrollments, running or completed (a reply to the last step comes after the
   * sequence ended), end `replied` and their last message sent gets `replied_at`. A reply an integration reported
   * (`fromIntegration`) records `email.replied` for each enrollment it ended; a reply read from a mailbox records its
   * own, with its text.
   */
  async recordReply(enrollments: EnrollmentEntity[], fromIntegration = false): Promise<EnrollmentChange[]> {
    const moved = await this.changeThenSignal(async (repos) => {
      const ended = await repos.enrollmentControl.end(ids(enrollments), [...RUNNING_STATUSES, 'completed'], 'replied');
      if (fromIntegration) {
        const categories = new Map(enrollments.map((enrollment) => [enrollment.id, enrollment.category]));
        await repos.events.record(ended.map((moved) => enrollmentReplied(moved, categories.get(moved.id) ?? null)));
      }
      return stampEach(repos, ended, 'replied_at');
    }, 'replied');
    return this.changes(enrollments, moved);
  }

  /**
   * Ends those of these enrollments whose status is in `from` with `status`, then signals the running ones. Each one
   * ended records `enrollment.stopped`, or `lead.unsubscribed` from its campaign (`source` says who asked).
   */
  async end(
    enrollments: EnrollmentEntity[],
    status: 'stopped' | 'unsubscribed',
    options: { from: EnrollmentStatus[]; signal: EnrollmentSignal; reason?: string; source?: UnsubscribeSource },
  ): Promise<EnrollmentChange[]> {
    const moved = await this.changeThenSignal(async (repos) => {
      const ended = await repos.enrollmentControl.end(ids(enrollments), options.from, status, options.reason ?? null);
      await repos.events.record(
        ended.map((enrollment) =>
          status === 'stopped'
            ? enrollmentStopped(enrollment, options.reason ?? null)
            : leadUnsubscribed(
                { id: enrollment.contactId, organizationId: enrollment.organizationId, email: enrollment.email },
                { scope: 'campaign', source: options.source ?? 'api', via: enrollment },
              ),
        ),
      );
      return ended;
    }, options.signal);
    // An enrollment that never started has no workflow to record its ending: its campaign may be done now.
    for (const campaignId of new Set(enrollments.map((enrollment) => enrollment.campaignId))) {
      await this.db.repos.campaigns.completeIfFinished(campaignId);
    }
    return this.changes(enrollments, moved);
  }

  /** Holds a running enrollment; pausing a paused one changes nothing. A pending one cannot be paused. */
  async pauseEnrollment(enrollment: EnrollmentEntity): Promise<EnrollmentChange> {
    if (!this.isRunning(enrollment, 'paused')) return { enrollment, changed: false };
    const alreadyPaused = (await this.ownPause(enrollment)).paused === true;
    if (!alreadyPaused && !(await this.db.repos.enrollmentControl.hold(enrollment.id))) {
      return { enrollment: await this.reread(enrollment), changed: false }; // it finished meanwhile
    }
    // Sent again when already paused: nothing for the workflow, but a repair if the first signal was lost.
    await this.workflows.signalEnrollment(enrollment.workflowId, 'pause');
    return alreadyPaused
      ? { enrollment, changed: false }
      : { enrollment: await this.reread(enrollment), changed: true };
  }

  /** Resumes an enrollment held by its own pause; on one that is not paused it changes nothing (delay included). */
  async resumeEnrollment(enrollment: EnrollmentEntity, delayMinutes: number | undefined): Promise<EnrollmentChange> {
    if (!this.isRunning(enrollment, 'resumed')) return { enrollment, changed: false };
    const own = await this.ownPause(enrollment);
    if (own.paused === false) {
      // The row may lag behind the workflow (its own schedule write can land after our pause), so the resume is
      // sent anyway, delay included: a workflow that is not paused ignores it, and a paused one is resumed.
      await this.workflows.signalEnrollment(enrollment.workflowId, 'resume', { delayMinutes });
      return { enrollment, changed: false };
    }
    // Still held by its paused campaign: the row keeps saying `paused` until the campaign resumes.
    const moved = own.campaignPaused ? null : await this.db.repos.enrollmentControl.release(enrollment.id);
    const delivered = await this.workflows.signalEnrollment(enrollment.workflowId, 'resume', { delayMinutes });
    return { enrollment: await this.reread(enrollment), changed: delivered || moved !== null };
  }

  /**
   * Whether a running enrollment is held by its own pause. Its row tells, unless its campaign is paused too (the
   * row then says `paused` either way) and the workflow is asked; `paused` is null when that cannot be told.
   */
  private async ownPause(enrollment: EnrollmentEntity): Promise<{ paused: boolean | null; campaignPaused: boolean }> {
    const campaign = await this.db.repos.campaigns.findByIdUnscoped(enrollment.campaignId);
    if (campaign?.status !== 'paused') return { paused: enrollment.status === 'paused', campaignPaused: false };
    const live = await this.workflows.state(enrollment.workflowId);
    return { paused: live ? live.paused : null, campaignPaused: true };
  }

  /** Running → true; finished → false (nothing to do); pending → `enrollment_not_started`. */
  private isRunning(enrollment: EnrollmentEntity, action: 'paused' | 'resumed'): boolean {
    if (enrollment.status === 'pending') {
      throw new AppError(
        'enrollment_not_started',
        `The enrollment has not been dispatched yet, so it cannot be ${action}; dispatch its batch first, or stop it.`,
        { extra: { current_state: enrollment.status } },
      );
    }
    return !FINAL_ENROLLMENT_STATUSES.includes(enrollment.status);
  }

  /** Commits `change`, then signals every moved enrollment whose workflow was running. */
  private async changeThenSignal(
    change: (repos: Repositories) => Promise<MovedEnrollment[]>,
    signal: EnrollmentSignal,
  ): Promise<MovedEnrollment[]> {
    const moved = await this.db.transaction(change);
    const running = moved.filter((enrollment) => RUNNING_STATUSES.includes(enrollment.previous));
    await mapConcurrently(running, SIGNAL_CONCURRENCY, (enrollment) =>
      this.workflows.signalEnrollment(enrollment.workflowId, signal),
    );
    return moved;
  }

  private async changes(enrollments: EnrollmentEntity[], moved: MovedEnrollment[]): Promise<EnrollmentChange[]> {
    const changed = new Set(moved.map((enrollment) => enrollment.id));
    const current = await this.db.repos.enrollmentControl.findByIds(ids(enrollments));
    return current.map((enrollment) => ({ enrollment, changed: changed.has(enrollment.id) }));
  }

  private async contactChange(
    contact: ContactEntity,
    contactChanged: boolean,
    moved: MovedEnrollment[],
  ): Promise<ContactChange> {
    const enrollments = await this.db.repos.enrollmentControl.ofContact(contact.id);
    return {
      contact: (await this.db.repos.contacts.findById(contact.organizationId, contact.id)) ?? contact,
      contactChanged,
      enrollments: await this.changes(enrollments, moved),
    };
  }

  private async requireContact(organizationId: string, contactId: string): Promise<ContactEntity> {
    const contact = await this.db.repos.contacts.findById(organizationId, contactId);
    if (!contact) throw notFound('contact_not_found', 'Contact');
    return contact;
  }

  private async reread(enrollment: EnrollmentEntity): Promise<EnrollmentEntity> {
    return (await this.db.repos.enrollments.findById(enrollment.id)) ?? enrollment;
  }
}

function ids(enrollments: { id: string }[]): string[] {
  return enrollments.map((enrollment) => enrollment.id);
}

/** Stamps the last message of each ended enrollment; they count as changed either way. */
async function stampEach(
  repos: Repositories,
  ended: MovedEnrollment[],
  column: 'replied_at' | 'bounced_at',
): Promise<MovedEnrollment[]> {
  for (const enrollment of ended) await repos.enrollmentControl.stampLastSent(enrollment.id, column);
  return ended;
}
