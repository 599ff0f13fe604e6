import { z } from 'zod';
import { ENROLLMENT_STATUSES } from '../domain/enrollments/enrollment-model';
import { paginationResponse } from './enrollment.responses';
import { contactResponse } from './list.responses';

/** One contact with where it is: the lists it is in and its enrollments. */
export const contactDetailsResponse = contactResponse
  .extend({
    lists: z.array(z.object({ uuid: z.uuid(), name: z.string() })).meta({ description: 'Its lists, oldest first.' }),
    enrollments: z
      .array(
        z.object({
          id: z.uuid(),
          campaign_id: z.uuid(),
          status: z.enum(ENROLLMENT_STATUSES),
          current_step: z.number().int(),
        }),
      )
      .meta({ description: 'Its enrollments in every campaign, oldest first.' }),
  })
  .meta({ id: 'ContactDetails' });
export type ContactDetailsView = z.output<typeof contactDetailsResponse>;

export const contactPageResponse = z.object({ contacts: z.array(contactResponse), pagination: paginationResponse });
