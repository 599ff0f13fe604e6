import type { CategorySource } from '../../db/entities/enrollment.entity';
import type { MatchConfidence, ReplyKind } from '../../db/entities/reply.entity';

export { CATEGORY_SOURCES, type CategorySource } from '../../db/entities/enrollment.entity';

/** The categories every organization has; any other label (at most MAX_CATEGORY_LENGTH characters) is its own. */
export const BUILT_IN_CATEGORIES = [
  'interested',
  'not_interested',
  'meeting_booked',
  'out_of_office',
  'wrong_person',
] as const;
export type BuiltInCategory = (typeof BUILT_IN_CATEGORIES)[number];

export const MAX_CATEGORY_LENGTH = 64;

/** What a category change asks: a label, or null to clear it. */
export interface CategoryChange {
  category: string | null;
  source: CategorySource;
}

/**
 * The headers and subjects of vacation responders, as the classifier names them in its `reason`
 * (`Auto-Submitted: auto-replied`, `Subject: out of office`…). Other automatic mail (`auto-generated`, read
 * receipts, delivery notifications, mailer-daemon) says nothing about the person, so it sets no category.
 */
const OUT_OF_OFFICE_REASON =
  /^(?:auto-submitted: auto-replied|precedence: auto[_-]reply|x-autoreply: |x-autorespond: |subject: )/i;

/**
 * The category the reply classifier is sure of, or null: an out-of-office reply that names one of our messages in
 * its thread headers (`high`), never one matched by its sender alone.
 */
export function automaticCategory(reply: {
  kind: ReplyKind;
  confidence: MatchConfidence;
  reason: string | null;
}): BuiltInCategory | null {
  if (reply.kind !== 'auto_reply' || reply.confidence !== 'high' || reply.reason === null) return null;
  return OUT_OF_OFFICE_REASON.test(reply.reason) ? 'out_of_office' : null;
}
