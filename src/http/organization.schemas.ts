import { z } from 'zod';

/** `POST /outreaches`. */
export const createOutreachSchema = z.object({
  outreach: z.object({ name: z.string().trim().min(1).max(200), unique_contacts: z.boolean().default(false) }),
});

/** `POST /block_list`: an address or a whole domain, one of them. */
export const blockBodySchema = z
  .object({ email: z.string().max(320).optional(), domain: z.string().max(253).optional() })
  .refine((body) => (body.email === undefined) !== (body.domain === undefined), {
    message: 'give either email or domain (one of them, not both)',
  });

/** `GET /block_list`. */
export const blockListPageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(100),
});
