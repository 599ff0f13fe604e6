/**
 * The values an enrollment's state, its messages and the replies read that answer them take. The entities own them;
 * the domain hands them on, so the API's schemas follow the data model without reaching into it.
 */
export { ENROLLMENT_STATUSES } from '../../db/entities/enrollment.entity';
export { MESSAGE_STATUSES } from '../../db/entities/message.entity';
export { MATCH_CONFIDENCES, REPLY_KINDS } from '../../db/entities/reply.entity';
