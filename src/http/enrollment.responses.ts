import { z } from 'zod';
import { ENROLLMENT_STATUSES } from '../db/entities/enrollment.entity';
import { timestamp } from './response-fields';

/** The shapes the enrollment routes answer with: the presenters return these types, the OpenAPI document shows them. */
export const enrollmentResponse = z
  .object({
    id: z.uuid(),
    campaign_id: z.uuid(),
    contact_id: z.uuid(),
    batch_number: z.number().int(),
    priority: z.number().int().meta({ description: 'Higher dispatches first within a batch.' }),
    status: z.enum(ENROLLMENT_STATUSES),
    current_step: z.number().int().meta({ description: 'Steps sent so far.' }),
    next_send_at: timestamp.nullable().meta({ description: 'When the next step is due, if one is.' }),
    mailbox_id: z.uuid().nullable().meta({ description: 'The mailbox that sends this enrollment, once chosen.' }),
    workflow_id: z.string().nullable().meta({ description: 'Its Temporal workflow id, once dispatched.' }),
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
    last_error: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: 'Enrollment' });
export type EnrollmentView = z.output<typeof enrollmentResponse>;
