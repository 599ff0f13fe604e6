/** The values an operator's reply takes; the entity owns them, the API's schemas follow them. */
export { MANUAL_REPLY_STATUSES } from '../../db/entities/manual-reply.entity';
export type { ManualReplyEntity, ManualReplyStatus } from '../../db/entities/manual-reply.entity';
