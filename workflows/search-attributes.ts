import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** The custom search attributes operators filter enrollments by in the Temporal UI. */
export const searchAttributes = {
  campaignId: defineSearchAttributeKey('CampaignId', SearchAttributeType.KEYWORD),
  contactId: defineSearchAttributeKey('ContactId', SearchAttributeType.KEYWORD),
  enrollmentStatus: defineSearchAttributeKey('EnrollmentStatus', SearchAttributeType.KEYWORD),
  nextSendAt: defineSearchAttributeKey('NextSendAt', SearchAttributeType.DATETIME),
};
