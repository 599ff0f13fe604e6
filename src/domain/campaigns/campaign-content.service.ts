// What a campaign's steps say to one contact: the preview, test sends, and dispatch's check that every step renders.
// Over ~300 lines: the three load the steps with their variants, seed and render them the same way and report
// invalid_template / missing_merge_field alike, so that each shows exactly what the real send would; split, they
// could drift apart.
import crypto from 'node:crypto';
import type { SecretBox } from '../../crypto/secret-box';
import type { CampaignEntity } from '../../db/entities/campaign.entity';
import type { ContactEntity } from '../../db/entities/contact.entity';
import type { EnrollmentEntity } from '../../db/entities/enrollment.entity';
import type { MailboxEntity } from '../../db/entities/mailbox.entity';
import type { SequenceStepEntity } from '../../db/entities/sequence-step.entity';
import type { StepVariantEntity } from '../../db/entities/step-variant.entity';
import type { Database } from '../../db/repositories';
import type { NewTestSend } from '../../db/repositories/campaign-content.repository';
import type { Logger } from '../../logger';
import { composeMessage, UnsendableMessageError } from '../../mail/compose';
import type { SmtpClient, SmtpResult } from '../../mail/smtp';
import { normalizeEmail } from '../contacts/email';
import { dkimKeyOf, outgoingMessage, smtpAccountOf } from '../delivery/outgoing-message';
import type { PublicLinks } from '../engagement/public-links';
import { AppError, notFound } from '../errors';
import type { CampaignService } from './campaign.service';
import { RenderBudget } from '../../mail/render';
import {
  renderStep,
  StepMergeFieldError,
  StepTemplateError,
  threadedSubject,
  type MergeSource,
  type RenderedStep,
} from './step-content';
import { mapConcurrently } from '../../concurrency';

export interface RenderedPreviewStep extends RenderedStep {
  position: number;
  /** The subject as sent: a follow-up without its own answers under step 1's (`Re: …`). */
  subject: string;
}

export interface Preview {
  contactId: string;
  /** The contact's enrollment in the campaign; its id seeds variants and spintax, as in the real send. */
  enrollmentId: string | null;
  steps: RenderedPreviewStep[];
}

export type TestSendStatus = 'sent' | 'rejected' | 'failed';

export interface TestSendReport {
  mailbox: Pick<MailboxEntity, 'id' | 'fromEmail'>;
  contactId: string | null;
  enrollmentId: string | null;
  results: {
    email: string;
    steps: {
      position: number;
      variantLabel: string | null;
      subject: string;
      status: TestSendStatus;
      response: string;
    }[];
  }[];
}

/** How many lines a missing-merge-field error lists; the count covers the rest. */
const MAX_ERROR_LINES = 20;
/** Test sends to different addresses run side by side; each address gets its steps in order. */
const TEST_SEND_CONCURRENCY = 5;

type StepWithVariants = { step: SequenceStepEntity; variants: StepVariantEntity[] };

/** What a campaign's steps say to a given contact: preview, test sends, and the renderability check of dispatch. */
export class CampaignContentService {
  constructor(
    readonly db: Database,
    readonly campaigns: CampaignService,
    readonly smtp: SmtpClient,
    readonly secrets: SecretBox,
    readonly links: PublicLinks,
    readonly logger: Logger,
  ) {}

  /**
   * Every step rendered for one of the organization's contacts, exactly as it would be sent: the seed is the
   * contact's enrollment in this campaign, or the contact id when not enrolled (variants and spintax may then differ
   * from what a later enrollment gets). A missing merge field is a `missing_merge_field` error naming contact and field.
   */
  async preview(organizationId: string, campaignId: string, contactId: string): Promise<Preview> {
    await this.campaigns.require(organizationId, campaignId);
    const { contact, enrollmentId, seedId } = await this.recipient(organizationId, campaignId, contactId);
    const steps = this.renderAll(await this.stepsOf(campaignId), seedId, { contact });
    return { contactId: contact.id, enrollmentId, steps };
  }

  /**
   * Sends every step at once to each address, from the campaign's first active mailbox, subjects prefixed `[TEST] `.
   * Merge fields come from `contactId` when given; otherwise fields with a fallback show it and every other one shows
   * as `[field]`. Logged in `test_sends` only: campaign statistics and mailbox limits never see these messages.
   */
  async testSend(
    organizationId: string,
    campaignId: string,
    input: { emails: string[]; contactId?: string | undefined },
  ): Promise<TestSendReport> {
    const campaign = await this.campaigns.require(organizationId, campaignId);
    let merge: MergeSource = 'placeholders';
    // Without a contact every address gets the same text: the campaign id seeds variants and spintax.
    let seedId = campaignId;
    let enrollmentId: string | null = null;
    if (input.contactId) {
      const recipient = await this.recipient(organizationId, campaignId, input.contactId);
      merge = { contact: recipient.contact };
      seedId = recipient.seedId;
      enrollmentId = recipient.enrollmentId;
    }
    const mailboxes = await this.db.repos.mailboxes.forCampaign(campaignId);
    const mailbox = mailboxes.find((candidate) => candidate.status === 'active');
    if (!mailbox) {
      throw new AppError(
        'campaign_not_dispatchable',
        'The campaign has no active mailbox to send the test from; add an SMTP credential or re-enable one.',
      );
    }
    // Signed as the mailbox signs its steps.
    const steps = this.renderAll(await this.stepsOf(campaignId), seedId, merge, mailbox.signature);
    const emails = [...new Set(input.emails.map((email) => normalizeEmail(email) ?? email.trim()))];

    const results: TestSendReport['results'] = await mapConcurrently(emails, TEST_SEND_CONCURRENCY, (email) =>
      this.sendTestSequence(organizationId, campaign, mailbox, email, steps),
    );
    return {
      mailbox: { id: mailbox.id, fromEmail: mailbox.fromEmail },
      contactId: input.contactId ?? null,
      enrollmentId,
      results,
    };
  }

  /**
   * Throws one `missing_merge_field` error (listing up to 20 contact/step/field lines) unless every step renders for
   * every given enrollment, with its contact's data and its own seed, exactly as the send would.
   */
  async assertRenderable(campaignId: string, enrollments: EnrollmentEntity[]): Promise<void> {
    if (enrollments.length === 0) return;
    const steps = await this.stepsOf(campaignId);
    if (steps.length === 0) return;
    const unloaded = enrollments.filter((enrollment) => !enrollment.contact).map((enrollment) => enrollment.contactId);
    const contacts = new Map(
      (await this.db.repos.content.contactsByIds(unloaded)).map((contact) => [contact.id, contact]),
    );
    const lines: string[] = [];
    let failing = 0;
    let unsafe = false;
    for (const [index, enrollment] of enrollments.entries()) {
      // Rendering thousands of bodies is CPU work: let other requests through now and then.
      if (index > 0 && index % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
      const contact = enrollment.contact ?? contacts.get(enrollment.contactId);
      if (!contact) continue;
      const problems = this.mergeProblems(steps, enrollment.id, contact);
      if (problems.length > 0) failing += 1;
      unsafe ||= problems.some((problem) => problem.problem === 'unsafe');
      lines.push(...problems.slice(0, MAX_ERROR_LINES - lines.length).map(describe));
    }
    if (failing === 0) return;
    if (unsafe) {
      throw new AppError(
        'invalid_merge_field',
        `${failing} contact(s) have merge fields the campaign's steps cannot use (a value with a line break or NUL, ` +
          'or a missing value without a fallback); correct the contacts listed and dispatch again.',
        { errors: lines },
      );
    }
    throw new AppError(
      'missing_merge_field',
      `${failing} contact(s) lack merge fields the campaign's steps use without a fallback; add the fields to ` +
        'the contacts or give the merge tags a fallback such as {{ first_name | default: "there" }}.',
      { errors: lines },
    );
  }

  /** The organization's contact, its enrollment in the campaign if any, and the seed its content is rendered with. */
  private async recipient(organizationId: string, campaignId: string, contactId: string) {
    const contact = await this.db.repos.contacts.findById(organizationId, contactId);
    if (!contact) throw notFound('contact_not_found', 'Contact');
    const enrollment = await this.db.repos.content.enrollmentOfContact(campaignId, contact.id);
    return { contact, enrollmentId: enrollment?.id ?? null, seedId: enrollment?.id ?? contact.id };
  }

  private async stepsOf(campaignId: string): Promise<StepWithVariants[]> {
    const [steps, variants] = await Promise.all([
      this.db.repos.campaigns.steps(campaignId),
      this.db.repos.campaigns.variants(campaignId),
    ]);
    return steps.map((step) => ({ step, variants: variants.get(step.id) ?? [] }));
  }

  /**
   * Every step rendered, or one error listing each step that cannot be: `invalid_template` when a template itself
   * fails (a file tag, a limit: every render shares one time budget, so a hostile campaign cannot hold the API),
   * else `missing_merge_field`.
   */
  private renderAll(
    steps: StepWithVariants[],
    seedId: string,
    merge: MergeSource,
    signature: string | null = null,
  ): RenderedPreviewStep[] {
    const rendered: RenderedPreviewStep[] = [];
    const failures: StepMergeFieldError[] = [];
    const templateFailures: StepTemplateError[] = [];
    const budget = new RenderBudget();
    for (const { step, variants } of steps) {
      try {
        const content = renderStep({ step, variants, seedId, merge, budget, signature });
        const subject = threadedSubject(content.subject, rendered[0]?.subject);
        rendered.push({ position: step.position, ...content, subject });
      } catch (error) {
        if (error instanceof StepTemplateError) {
          templateFailures.push(error);
          // Past a limit the shared time may be spent: the next steps' failures would not be theirs.
          if (error.problem === 'limit') break;
          continue;
        }
        if (!(error instanceof StepMergeFieldError)) throw error;
        failures.push(error);
      }
    }
    if (templateFailures.length > 0) throw invalidTemplate(templateFailures);
    if (failures.length > 0) {
      const code = failures.some((failure) => failure.problem === 'unsafe')
        ? 'invalid_merge_field'
        : 'missing_merge_field';
      throw new AppError(code, failures[0]!.message, { errors: failures.map(describe) });
    }
    return rendered;
  }

  private mergeProblems(steps: StepWithVariants[], seedId: string, contact: ContactEntity): StepMergeFieldError[] {
    const problems: StepMergeFieldError[] = [];
    for (const { step, variants } of steps) {
      try {
        renderStep({ step, variants, seedId, merge: { contact } });
      } catch (error) {
        if (error instanceof StepTemplateError) throw invalidTemplate([error], contact);
        if (!(error instanceof StepMergeFieldError)) throw error;
        problems.push(error);
      }
    }
    return problems;
  }

  /** One address's test sequence, in step order, follow-ups threaded under the earlier test messages. */
  private async sendTestSequence(
    organizationId: string,
    campaign: CampaignEntity,
    mailbox: MailboxEntity,
    email: string,
    steps: RenderedPreviewStep[],
  ): Promise<TestSendReport['results'][number]> {
    const campaignId = campaign.id;
    const account = smtpAccountOf(mailbox, this.secrets);
    const dkim = dkimKeyOf(mailbox, this.secrets);
    const domain = mailbox.fromEmail.split('@')[1] ?? 'localhost';
    const thread: string[] = [];
    const logged: NewTestSend[] = [];
    const report: TestSendReport['results'][number] = { email, steps: [] };
    for (const step of steps) {
      const messageId = `<test-${crypto.randomUUID()}@${domain}>`;
      const subject = `[TEST] ${step.subject}`;
      const message = outgoingMessage({
        campaign,
        mailbox,
        to: email,
        subject,
        content: step,
        messageId,
        thread: [...thread],
        links: this.links,
        message: null,
      });
      const result = await composeMessage(message).then(
        (composed) => this.smtp.send(account, composed, dkim),
        (error: unknown): SmtpResult => {
          if (!(error instanceof UnsendableMessageError)) throw error;
          return { kind: 'rejected_permanent', code: 0, response: error.message };
        },
      );
      const status = testSendStatus(result);
      if (status === 'sent') thread.push(messageId);
      logged.push({
        organizationId,
        campaignId,
        stepPosition: step.position,
        variantLabel: step.variantLabel,
        toEmail: email,
        mailboxId: mailbox.id,
        messageId,
        status,
        smtpResponse: result.response.slice(0, 1000),
      });
      report.steps.push({
        position: step.position,
        variantLabel: step.variantLabel,
        subject,
        status,
        response: result.response,
      });
    }
    await this.db.repos.content.recordTestSends(logged);
    if (report.steps.some((step) => step.status !== 'sent')) {
      this.logger.warn({ campaignId, email }, 'some test messages were not accepted');
    }
    return report;
  }
}

function testSendStatus(result: SmtpResult): TestSendStatus {
  switch (result.kind) {
    case 'sent':
      return 'sent';
    case 'rejected_permanent':
    case 'rejected_temporary':
      return 'rejected';
    case 'connection_error':
    case 'mailbox_error':
    case 'unknown':
      return 'failed';
  }
}

/** Steps whose template cannot render (for `contact`, when its data matters): the campaign's content must change. */
function invalidTemplate(failures: StepTemplateError[], contact?: Pick<ContactEntity, 'id' | 'email'>): AppError {
  const forContact = contact ? ` for contact ${contact.email} (${contact.id})` : '';
  return new AppError(
    'invalid_template',
    `A step template cannot be rendered${forContact} (${failures[0]!.message}); create the campaign again with ` +
      'the template corrected: templates cannot read files and must stay within the limits documented for ' +
      'sequence_steps.',
    { errors: failures.map((failure) => failure.message) },
  );
}

function describe(error: StepMergeFieldError): string {
  const contact = `contact ${error.contact.email} (${error.contact.id})`;
  return error.problem === 'missing'
    ? `${contact}: step ${error.position} needs "${error.field}"`
    : `${contact}: "${error.field}" (used by step ${error.position}) contains a line break or NUL character`;
}
