import { z } from 'zod';
import { headerText } from './campaign.schemas';

/** The longest body a reply may have, per part: far above any written reply, far below the 10 MB message limit. */
export const MAX_REPLY_BODY_LENGTH = 500_000;

const bodyPart = (what: string) =>
  z
    .string()
    .max(MAX_REPLY_BODY_LENGTH)
    .meta({ description: `${what}, at most ${MAX_REPLY_BODY_LENGTH} characters; sent as written (no template).` });

/** `POST /campaigns/{id}/enrollments/{eid}/reply`: the reply, with at least one non-empty body. */
export const replyBodySchema = z.object({
  reply: z
    .object({
      subject: headerText(998).optional().meta({
        description:
          'One line; omitted or empty, `Re: ` and the subject of the conversation’s first message. Not a template.',
      }),
      body_html: bodyPart('The HTML part').optional(),
      body_text: bodyPart('The plain-text part; without it, the text is made from the HTML').optional(),
    })
    .refine((reply) => Boolean(reply.body_html?.trim() || reply.body_text?.trim()), {
      message: 'give body_html or body_text (at least one, not blank)',
    }),
});

/** The `Idempotency-Key` request header: a client-chosen token, the same for every retry of one reply. */
export const idempotencyHeaderSchema = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'must be 1 to 255 visible ASCII characters')
    .optional()
    .meta({
      description:
        'Recommended. Retrying with the same key (after a timeout or a lost answer) answers the reply recorded the ' +
        'first time and sends nothing more; a key is one reply of one enrollment.',
      example: '2f6c9b1e-reply-to-ada',
    }),
});
