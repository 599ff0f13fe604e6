// `/campaigns/{id}/steps`: a campaign's sequence, read and edited while it runs.
import type { CampaignSequenceService } from '../domain/campaigns/campaign-sequence.service';
import { operationsUsing } from './api-operation';
import { stepFromBody, stepPatchFromBody } from './campaign.mappers';
import { presentSequence } from './campaign.presenters';
import { sequenceStepResponse, type SequenceStepView } from './campaign.responses';
import { patchStepSchema, replaceStepsSchema } from './campaign.schemas';
import { PATH_IDS } from './path-ids';
import { z } from 'zod';

const tag = 'Campaigns';
const campaignPath = { id: PATH_IDS.campaign };

/** What the sequence operations use. */
export interface CampaignSequenceDeps {
  sequences: CampaignSequenceService;
}
const operation = operationsUsing<CampaignSequenceDeps>();

const EDIT_RULES =
  'Edits apply at once to running enrollments, to the steps they have not sent yet: positions name the steps, so ' +
  'an enrollment that sent position 2 goes on with the first position after 2. New content is what the next send ' +
  'renders; a changed delay or a step added or removed re-times the waiting enrollments within seconds (the ' +
  "campaign's `fanout` shows the progress); a step removed before it was sent is skipped, its successor due its " +
  'delay after the last send. Sent steps stay in the history as they were sent.';

const sequenceExample: SequenceStepView[] = [
  {
    position: 1,
    delay_minutes: 0,
    subject: 'Quick question, {{ first_name | default: "there" }}',
    body_html: '<p>Hi {{ first_name | default: "there" }},</p><p>Do you still run outbound by hand?</p>',
    body_text: null,
    variants: [],
    winner_label: null,
  },
  {
    position: 2,
    delay_minutes: 4320,
    subject: null,
    body_html: '<p>Bumping this up: worth a 15-minute call this week?</p>',
    body_text: null,
    variants: [],
    winner_label: null,
  },
];
const sequenceResponse = {
  description: 'The sequence as it is now, in step order.',
  data: z.array(sequenceStepResponse),
  example: sequenceExample,
};

export const campaignSequenceOperations = [
  operation({
    method: 'get',
    path: '/campaigns/{id}/steps',
    tag,
    summary: "Read a campaign's sequence",
    description: 'Its steps in order, each with its delay, content, A/B variants and decided winner.',
    params: campaignPath,
    errors: ['campaign_not_found'],
    response: sequenceResponse,
    handle: async ({ deps: { sequences }, organizationId, params }) => ({
      data: presentSequence(await sequences.read(organizationId, params.id)),
    }),
  }),
  operation({
    method: 'put',
    path: '/campaigns/{id}/steps',
    tag,
    summary: "Replace a campaign's sequence",
    description:
      'The sequence becomes exactly the steps given, validated as on creation: positions not given are removed, ' +
      "others replaced or added; a step's variants are replaced by those given (a winner stays while its variant " +
      `does). ${EDIT_RULES}`,
    params: campaignPath,
    body: {
      schema: replaceStepsSchema,
      example: {
        sequence_steps: sequenceExample.map(({ position, delay_minutes, subject, body_html }) => ({
          position,
          delay_minutes,
          ...(subject ? { subject } : {}),
          body_html,
        })),
      },
    },
    errors: ['campaign_not_found'],
    response: { ...sequenceResponse, message: 'Sequence replaced.' },
    handle: async ({ deps: { sequences }, organizationId, params, body }) => ({
      data: presentSequence(await sequences.replace(organizationId, params.id, body.sequence_steps.map(stepFromBody))),
    }),
  }),
  operation({
    method: 'patch',
    path: '/campaigns/{id}/steps/{position}',
    tag,
    summary: 'Edit one step of a sequence',
    description:
      'Changes only the fields given; `variants: null` removes the A/B variants, and an empty `subject` makes a ' +
      `follow-up answer in the thread (the first step keeps needing one). ${EDIT_RULES}`,
    params: { id: PATH_IDS.campaign, position: PATH_IDS.sequenceStep },
    body: {
      schema: patchStepSchema,
      example: { step: { delay_minutes: 2880, body_html: '<p>Any thoughts on this, {{ first_name }}?</p>' } },
    },
    errors: ['campaign_not_found', 'step_not_found'],
    response: { ...sequenceResponse, message: 'Step updated.' },
    handle: async ({ deps: { sequences }, organizationId, params, body }) => ({
      data: presentSequence(
        await sequences.patchStep(organizationId, params.id, params.position, stepPatchFromBody(body.step)),
      ),
    }),
  }),
];
