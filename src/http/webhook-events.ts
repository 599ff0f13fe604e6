// The webhook events, named once: what each means, its payload's `data` and an example. The API validates
// `event_types` with it, documents POST /webhooks with it (webhook-messages.ts) and `/test` sends its examples.
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../domain/webhooks/webhook.service';
import { EXAMPLE_IDS } from './openapi/params';

interface EventDoc {
  description: string;
  /** The payload's `data`. Producers may add fields: receivers should ignore the ones they do not know. */
  data: z.ZodType;
  example: Record<string, unknown>;
}

const uuid = (description: string) => z.uuid().meta({ description });
const campaignId = uuid('The campaign.');
const enrollmentId = uuid('The enrollment: this contact in this campaign.');
const contactId = uuid('The contact.');
const mailboxId = uuid('The sending mailbox.');
const email = (description: string) => z.email().meta({ description });
const step = z.number().int().meta({ description: 'The position of the step in the sequence (1, 2, 3…).' });

/** An event's `data`: the documented fields, and any a later version adds (receivers must ignore unknown fields). */
const data = (shape: z.ZodRawShape) => z.looseObject(shape);

/** An event about one sent message. Absent facts are left out, never null. */
const messageShape = {
  message_id: z.string().meta({ description: 'The Message-ID header of the message, angle brackets included.' }),
  campaign_id: campaignId,
  enrollment_id: enrollmentId,
  contact_id: contactId.optional(),
  mailbox_id: mailboxId,
  to_email: email('The recipient.'),
  step,
  variant: z.string().optional().meta({ description: "The A/B variant's label; absent when the step has none." }),
};
const messageExample = {
  message_id: '<3q2-7Fvb9c1XkT0aJm4yRw8LhPzN6s5e@founders.example>',
  campaign_id: EXAMPLE_IDS.campaign,
  enrollment_id: EXAMPLE_IDS.enrollment,
  contact_id: EXAMPLE_IDS.contact,
  mailbox_id: EXAMPLE_IDS.mailbox,
  to_email: 'ada@example.com',
  step: 1,
  variant: 'B',
};
/** What the send adds: the sending address and the subject as sent. */
const sentShape = {
  ...messageShape,
  from_email: email('The address it was sent from.').optional(),
  subject: z.string().optional().meta({ description: 'The subject as sent.' }),
};
const sentExample = { ...messageExample, from_email: 'grace@founders.example', subject: 'Quick question, Ada' };
/** An event about a contact in a campaign rather than one message. */
const enrollmentShape = {
  enrollment_id: enrollmentId,
  campaign_id: campaignId,
  contact_id: contactId,
  email: email("The contact's address.").optional(),
  mailbox_id: mailboxId.optional(),
  step: step.optional().meta({ description: 'The last step sent; absent before the first.' }),
};
const enrollmentExample = {
  enrollment_id: EXAMPLE_IDS.enrollment,
  campaign_id: EXAMPLE_IDS.campaign,
  contact_id: EXAMPLE_IDS.contact,
  email: 'ada@example.com',
  mailbox_id: EXAMPLE_IDS.mailbox,
  step: 2,
};
/** Every field optional: events of one type that come from different places carry different facts. */
const looser = (shape: z.ZodRawShape): z.ZodRawShape =>
  Object.fromEntries(Object.entries(shape).map(([name, field]) => [name, (field as z.ZodType).optional()]));
const mailboxShape = {
  mailbox_id: mailboxId,
  email: email('The address the mailbox sends from.'),
};
const mailboxExample = { mailbox_id: EXAMPLE_IDS.mailbox, email: 'grace@founders.example' };
const campaignStatus = z.string().meta({ description: 'pending, active, paused, stopped, completed or archived.' });

/** Every event type, in the order of EVENT_TYPES. */
export const WEBHOOK_EVENTS: Record<EventType, EventDoc> = {
  'email.sent': {
    description: "A step's message was accepted by the recipient's mail server (once per message).",
    data: data(sentShape),
    example: sentExample,
  },
  'email.opened': {
    description: 'The message was opened (its tracking pixel loaded; open tracking on), reported once per message.',
    data: data(messageShape),
    example: messageExample,
  },
  'email.clicked': {
    description: 'A tracked link of the message was followed (click tracking on), reported once per message.',
    data: data({ ...messageShape, url: z.string().meta({ description: 'The link followed.' }) }),
    example: { ...messageExample, url: 'https://founders.example/pricing' },
  },
  'email.replied': {
    description:
      'The contact replied (auto-replies excluded): read from the mailbox (`source` mailbox, with the message ' +
      'answered, the text and the category the classifier gave), or reported by an integration through POST /events ' +
      '(`source` integration, naming the enrollment only).',
    data: data({
      ...looser(messageShape),
      ...looser(enrollmentShape),
      campaign_id: campaignId,
      enrollment_id: enrollmentId,
      from_email: email('Who replied.').optional(),
      subject: z.string().optional(),
      snippet: z.string().optional().meta({ description: 'The start of the reply, one line.' }),
      text: z.string().optional().meta({ description: "The reply's text (at most 10,000 characters)." }),
      category: z.string().optional().meta({ description: "The lead's category for the reply (interested…)." }),
      match_confidence: z.string().optional().meta({
        description:
          'How surely the reply was matched to the message: `high` (its headers name it) or `low` (by its sender only).',
      }),
      source: z.enum(['mailbox', 'integration']),
    }),
    example: {
      ...messageExample,
      from_email: 'ada@example.com',
      subject: 'Re: Quick question, Ada',
      snippet: 'Sounds interesting, can we talk on Thursday?',
      text: 'Sounds interesting, can we talk on Thursday?\n\nAda',
      category: 'interested',
      match_confidence: 'high',
      source: 'mailbox',
    },
  },
  'email.bounced': {
    description:
      'A message bounced: refused during the SMTP conversation (no `source`; `smtp_response`), reported later by a ' +
      'delivery status notification (`source` dsn; hard on 5.x.x, soft on 4.x.x), or reported by an integration ' +
      '(`source` integration).',
    data: data({
      ...looser(sentShape),
      ...looser(enrollmentShape),
      bounce_type: z.enum(['hard', 'soft']).meta({ description: 'hard: the address does not take mail.' }),
      smtp_response: z.string().optional().meta({ description: "The server's refusal, at SMTP time." }),
      dsn_status: z.string().optional().meta({ description: "The report's status code (5.1.1…)." }),
      diagnostic: z.string().optional().meta({ description: "The report's diagnostic." }),
      recipient: z.string().optional().meta({ description: 'The address the report names.' }),
      source: z.enum(['dsn', 'integration']).optional(),
    }),
    example: {
      ...sentExample,
      bounce_type: 'hard',
      smtp_response: '550 5.1.1 <ada@example.com>: Recipient address rejected: User unknown in virtual mailbox table',
    },
  },
  'email.complained': {
    description:
      'The recipient reported the message as spam (an ARF feedback report); the contact is not written to again.',
    data: data({
      ...messageShape,
      feedback_type: z.string().optional().meta({ description: 'The feedback type of the report (abuse…).' }),
    }),
    example: { ...messageExample, feedback_type: 'abuse' },
  },
  'lead.unsubscribed': {
    description:
      'The contact unsubscribed: from every campaign (`scope` global) or from one (`scope` campaign), by the link or ' +
      'header of a message, a mailto, the API or an integration (`source`); `campaign_id` and `enrollment_id` name ' +
      'the enrollment it came through, when there is one.',
    data: data({
      contact_id: contactId,
      email: email("The contact's address."),
      scope: z.enum(['global', 'campaign']),
      campaign_id: campaignId.optional(),
      enrollment_id: enrollmentId.optional(),
      source: z.enum(['link', 'mailto', 'api', 'integration']),
    }),
    example: {
      contact_id: EXAMPLE_IDS.contact,
      email: 'ada@example.com',
      scope: 'global',
      campaign_id: EXAMPLE_IDS.campaign,
      enrollment_id: EXAMPLE_IDS.enrollment,
      source: 'link',
    },
  },
  'lead.category_changed': {
    description: "The lead's category changed: set through the API (`source` manual) or by the reply classifier.",
    data: data({
      ...enrollmentShape,
      old_category: z.string().optional().meta({ description: 'Absent: it had none.' }),
      new_category: z.string().optional().meta({ description: 'Absent: it was cleared.' }),
      source: z.enum(['manual', 'automatic']),
    }),
    example: { ...enrollmentExample, old_category: 'interested', new_category: 'meeting_booked', source: 'manual' },
  },
  'enrollment.completed': {
    description: 'The contact went through every step of the sequence.',
    data: data(enrollmentShape),
    example: enrollmentExample,
  },
  'enrollment.stopped': {
    description:
      'The enrollment was stopped before its last step: by the API, an integration, the campaign being stopped, ' +
      "its `stop_on` or the block list. (A reply, bounce or unsubscribe ends it with that event's own type.)",
    data: data({ ...enrollmentShape, reason: z.string().optional().meta({ description: 'Why, when known.' }) }),
    example: { ...enrollmentExample, reason: 'blocked: the domain example.com is on the block list' },
  },
  'campaign.status_changed': {
    description: 'The campaign moved from one status to another (started, paused, resumed, stopped, completed…).',
    data: data({
      campaign_id: campaignId,
      name: z.string(),
      old_status: campaignStatus,
      new_status: campaignStatus,
    }),
    example: {
      campaign_id: EXAMPLE_IDS.campaign,
      name: 'Q4 founders outreach',
      old_status: 'active',
      new_status: 'paused',
    },
  },
  'campaign.completed': {
    description: 'Every enrollment of the campaign finished: it has nothing left to send.',
    data: data({ campaign_id: campaignId, name: z.string() }),
    example: { campaign_id: EXAMPLE_IDS.campaign, name: 'Q4 founders outreach' },
  },
  'mailbox.disabled': {
    description:
      'The mailbox stopped sending until re-enabled: disabled by a user (`source` user), or because its bounce rate ' +
      "crossed a campaign's threshold (`source` bounce_rate, with that campaign and the counts).",
    data: data({
      ...mailboxShape,
      reason: z.string().meta({ description: 'Why, in a sentence.' }),
      source: z.enum(['user', 'bounce_rate']),
      campaign_id: campaignId.optional(),
      bounced: z.number().int().optional().meta({ description: 'Bounces among its recent sends.' }),
      sent: z.number().int().optional().meta({ description: 'Its recent sends counted.' }),
    }),
    example: {
      ...mailboxExample,
      reason: 'bounce rate 9.5% (8 of 84 recent sends) is above the campaign threshold of 8%',
      source: 'bounce_rate',
      campaign_id: EXAMPLE_IDS.campaign,
      bounced: 8,
      sent: 84,
    },
  },
  'mailbox.error': {
    description:
      "The mailbox's server refused it: SMTP (it leaves the rotation; its conversations wait until its settings " +
      'are fixed) or IMAP (replies are not read until it recovers).',
    data: data({
      ...mailboxShape,
      protocol: z.enum(['smtp', 'imap']),
      error: z.string().meta({ description: "The server's answer or the error." }),
    }),
    example: { ...mailboxExample, protocol: 'smtp', error: '535 5.7.8 Authentication failed' },
  },
};

/** The sample `data` of a type, as `/test` sends it. */
export function sampleData(type: EventType): Record<string, unknown> {
  return WEBHOOK_EVENTS[type].example;
}

/** One event type in a request, refused with the list of the known ones. */
export const eventTypeSchema = z.enum(EVENT_TYPES, {
  message: `must be one of the event types: ${EVENT_TYPES.join(', ')}`,
});
