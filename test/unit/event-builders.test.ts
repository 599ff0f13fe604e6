import { EVENT_TYPES } from '../../src/db/entities/event.entity';
import {
  MAX_REPLY_TEXT,
  campaignStatusChanged,
  contactBounced,
  emailBouncedByReport,
  emailClicked,
  emailComplained,
  emailOpened,
  emailReplied,
  enrollmentBounced,
  enrollmentReplied,
  enrollmentStopped,
  leadCategoryChanged,
  leadUnsubscribed,
  mailboxDisabled,
  mailboxError,
  type EnrollmentFacts,
  type MessageFacts,
} from '../../src/domain/events/event-builders';

/** The events the domain records: their scope (what analytics group by), payload and dedupe key. */
describe('event builders', () => {
  const message: MessageFacts = {
    id: 'row-1',
    organizationId: 'org-1',
    campaignId: 'campaign-1',
    enrollmentId: 'enrollment-1',
    mailboxId: 'mailbox-1',
    stepPosition: 2,
    messageId: '<abc@sender.example>',
    toEmail: 'Dana@Whitfield.example',
    variantLabel: null,
  };
  const enrollment: EnrollmentFacts = {
    id: 'enrollment-1',
    organizationId: 'org-1',
    campaignId: 'campaign-1',
    contactId: 'contact-1',
    mailboxId: 'mailbox-1',
    currentStep: 2,
    email: 'dana@whitfield.example',
  };
  const contact = { id: 'contact-1', organizationId: 'org-1', email: 'dana@whitfield.example' };
  const mailbox = { id: 'mailbox-1', organizationId: 'org-1', fromEmail: 'sam@sender.example' };

  const messageScope = {
    organizationId: 'org-1',
    campaignId: 'campaign-1',
    mailboxId: 'mailbox-1',
    enrollmentId: 'enrollment-1',
    contactId: 'contact-1',
    stepPosition: 2,
    recipient: 'Dana@Whitfield.example',
  };
  const messageData = {
    message_id: '<abc@sender.example>',
    campaign_id: 'campaign-1',
    enrollment_id: 'enrollment-1',
    contact_id: 'contact-1',
    mailbox_id: 'mailbox-1',
    to_email: 'Dana@Whitfield.example',
    step: 2,
  };

  it('when a message is opened or clicked, then the event names the message and is keyed by its row', () => {
    expect(emailOpened(message, 'contact-1')).toEqual({
      ...messageScope,
      type: 'email.opened',
      data: messageData,
      dedupeKey: 'email.opened:row-1',
    });
    expect(emailClicked({ ...message, variantLabel: 'B' }, 'contact-1', 'https://example.com/a')).toEqual({
      ...messageScope,
      type: 'email.clicked',
      data: { ...messageData, variant: 'B', url: 'https://example.com/a' },
      dedupeKey: 'email.clicked:row-1',
    });
  });

  it('when a reply is read, then it carries the text (capped), sender, subject and category, with no key', () => {
    const event = emailReplied(message, 'contact-1', {
      fromEmail: 'dana@whitfield.example',
      subject: 'Re: Quick question',
      snippet: 'Sounds good',
      text: 'x'.repeat(MAX_REPLY_TEXT + 10),
      category: null,
      confidence: 'high',
    });
    expect(event).toMatchObject({ ...messageScope, type: 'email.replied' });
    expect(event.dedupeKey).toBeUndefined();
    expect(event.data).toEqual({
      ...messageData,
      from_email: 'dana@whitfield.example',
      subject: 'Re: Quick question',
      snippet: 'Sounds good',
      text: 'x'.repeat(MAX_REPLY_TEXT),
      match_confidence: 'high',
      source: 'mailbox',
    });
  });

  it('when an integration reports a reply or a bounce, then the enrollment is the scope and the source says so', () => {
    expect(enrollmentReplied(enrollment, 'interested')).toEqual({
      organizationId: 'org-1',
      campaignId: 'campaign-1',
      mailboxId: 'mailbox-1',
      enrollmentId: 'enrollment-1',
      contactId: 'contact-1',
      stepPosition: 2,
      recipient: 'dana@whitfield.example',
      type: 'email.replied',
      data: {
        enrollment_id: 'enrollment-1',
        campaign_id: 'campaign-1',
        contact_id: 'contact-1',
        email: 'dana@whitfield.example',
        mailbox_id: 'mailbox-1',
        step: 2,
        category: 'interested',
        source: 'integration',
      },
    });
    expect(enrollmentBounced({ ...enrollment, currentStep: 0, mailboxId: null }).data).toEqual({
      enrollment_id: 'enrollment-1',
      campaign_id: 'campaign-1',
      contact_id: 'contact-1',
      email: 'dana@whitfield.example',
      bounce_type: 'hard',
      source: 'integration',
    });
    expect(contactBounced(contact)).toEqual({
      organizationId: 'org-1',
      type: 'email.bounced',
      contactId: 'contact-1',
      recipient: 'dana@whitfield.example',
      data: { contact_id: 'contact-1', email: 'dana@whitfield.example', bounce_type: 'hard', source: 'integration' },
    });
  });

  it('when a report bounces a message hard, then it is keyed as the SMTP-time bounce is; a soft one is not keyed', () => {
    const report = { status: '5.1.1', diagnostic: 'smtp; 550 5.1.1 no such user', recipient: 'dana@whitfield.example' };
    const hard = emailBouncedByReport(message, 'contact-1', { ...report, bounceType: 'hard' });
    expect(hard).toMatchObject({ ...messageScope, type: 'email.bounced', dedupeKey: 'email.bounced:row-1' });
    expect(hard.data).toEqual({
      ...messageData,
      bounce_type: 'hard',
      dsn_status: '5.1.1',
      diagnostic: 'smtp; 550 5.1.1 no such user',
      recipient: 'dana@whitfield.example',
      source: 'dsn',
    });
    const soft = emailBouncedByReport(message, 'contact-1', { ...report, status: '4.2.2', bounceType: 'soft' });
    expect(soft.dedupeKey).toBeNull();
    expect(soft.data).toMatchObject({ bounce_type: 'soft', dsn_status: '4.2.2' });
  });

  it('when a complaint arrives, then it names the message and the feedback type', () => {
    expect(emailComplained(message, 'contact-1', 'abuse')).toEqual({
      ...messageScope,
      type: 'email.complained',
      data: { ...messageData, feedback_type: 'abuse' },
      dedupeKey: 'email.complained:row-1',
    });
  });

  it('when a contact unsubscribes through a message, then the campaign is its scope; by the API, none', () => {
    expect(leadUnsubscribed(contact, { scope: 'global', source: 'link', via: enrollment })).toEqual({
      organizationId: 'org-1',
      type: 'lead.unsubscribed',
      campaignId: 'campaign-1',
      enrollmentId: 'enrollment-1',
      contactId: 'contact-1',
      mailboxId: 'mailbox-1',
      stepPosition: 2,
      recipient: 'dana@whitfield.example',
      data: {
        contact_id: 'contact-1',
        email: 'dana@whitfield.example',
        scope: 'global',
        campaign_id: 'campaign-1',
        enrollment_id: 'enrollment-1',
        source: 'link',
      },
    });
    const global = leadUnsubscribed(contact, { scope: 'global', source: 'api' });
    expect(global).toMatchObject({ campaignId: null, enrollmentId: null, stepPosition: null });
    expect(global.data).toEqual({
      contact_id: 'contact-1',
      email: 'dana@whitfield.example',
      scope: 'global',
      source: 'api',
    });
  });

  it('when a category changes, then old and new are named, a cleared one as absent', () => {
    expect(leadCategoryChanged(enrollment, { from: null, to: 'interested', source: 'manual' }).data).toMatchObject({
      new_category: 'interested',
      source: 'manual',
    });
    const cleared = leadCategoryChanged(enrollment, { from: 'interested', to: null, source: 'manual' }).data;
    expect(cleared).toMatchObject({ old_category: 'interested' });
    expect(cleared).not.toHaveProperty('new_category');
  });

  it('when an enrollment is stopped, then the event is keyed by the enrollment, so a repeat records nothing', () => {
    expect(enrollmentStopped(enrollment, null)).toMatchObject({
      type: 'enrollment.stopped',
      enrollmentId: 'enrollment-1',
      dedupeKey: 'enrollment.stopped:enrollment-1',
      data: { enrollment_id: 'enrollment-1', step: 2, email: 'dana@whitfield.example' },
    });
    expect(enrollmentStopped(enrollment, 'the campaign was stopped').data).toMatchObject({
      reason: 'the campaign was stopped',
    });
  });

  it('when a campaign or a mailbox changes, then it is the scope and the payload says what changed', () => {
    expect(
      campaignStatusChanged({ id: 'campaign-1', organizationId: 'org-1', name: 'Q1' }, 'active', 'paused'),
    ).toEqual({
      organizationId: 'org-1',
      type: 'campaign.status_changed',
      campaignId: 'campaign-1',
      data: { campaign_id: 'campaign-1', name: 'Q1', old_status: 'active', new_status: 'paused' },
    });
    const disabled = mailboxDisabled(mailbox, {
      reason: 'bounce rate 12.0%',
      source: 'bounce_rate',
      campaignId: 'campaign-1',
      sent: 25,
      bounced: 3,
    });
    expect(disabled).toMatchObject({ type: 'mailbox.disabled', mailboxId: 'mailbox-1', campaignId: 'campaign-1' });
    expect(disabled.data).toEqual({
      mailbox_id: 'mailbox-1',
      email: 'sam@sender.example',
      reason: 'bounce rate 12.0%',
      source: 'bounce_rate',
      campaign_id: 'campaign-1',
      sent: 25,
      bounced: 3,
    });
    expect(mailboxError(mailbox, { protocol: 'imap', error: 'AUTHENTICATIONFAILED' })).toEqual({
      organizationId: 'org-1',
      type: 'mailbox.error',
      mailboxId: 'mailbox-1',
      data: { mailbox_id: 'mailbox-1', email: 'sam@sender.example', protocol: 'imap', error: 'AUTHENTICATIONFAILED' },
    });
  });

  it('when any builder runs, then its type is one of the documented event types', () => {
    const built = [
      emailOpened(message, null),
      emailReplied(message, 'c', {
        fromEmail: null,
        subject: null,
        snippet: null,
        text: null,
        category: null,
        confidence: 'low',
      }),
      leadUnsubscribed(contact, { scope: 'campaign', source: 'api', via: enrollment }),
      mailboxError(mailbox, { protocol: 'smtp', error: '535' }),
    ];
    for (const event of built) expect(EVENT_TYPES).toContain(event.type);
  });
});
