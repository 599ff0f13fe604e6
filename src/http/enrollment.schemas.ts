import { z } from 'zod';
import { MAX_ENROLLMENTS_PER_PAGE } from '../domain/enrollments/enrollment-history.service';
import { INTEGRATION_EVENT_TYPES } from '../domain/enrollments/integration-events.service';
import { leadFilterQuerySchema } from './lead.schemas';

/** Minutes; fractions allowed, at most a year. */
export const delayMinutesSchema = z.number().min(0).max(525_600).meta({
  description: 'The next step waits at least this many minutes from now (fractions allowed, at most a year).',
});

export const resumeBodySchema = z.object({ delay_minutes: delayMinutesSchema.optional() });

export const enrollmentsQuerySchema = leadFilterQuerySchema.extend({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(MAX_ENROLLMENTS_PER_PAGE).default(100),
});

/** `POST /events`: one enrollment by id, or a contact by email (optionally in one campaign). */
export const eventSchema = z
  .object({
    type: z.enum(INTEGRATION_EVENT_TYPES),
    enrollment_id: z.uuid().optional(),
    email: z.string().max(320).optional(),
    campaign_id: z.uuid().optional(),
    delay_minutes: delayMinutesSchema.optional(),
  })
  .refine((event) => (event.enrollment_id === undefined) !== (event.email === undefined), {
    message: 'give either enrollment_id or email (one of them, not both)',
  })
  .refine((event) => event.delay_minutes === undefined || event.type === 'resume', {
    message: 'delay_minutes applies to resume events only',
    path: ['delay_minutes'],
  });
