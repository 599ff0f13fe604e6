/**
 * The values a campaign's states and settings, its sending mailboxes and its skipped contacts take. The entities own
 * them (their columns are typed by them); the domain hands them on, so the API's schemas follow the data model
 * without reaching into it.
 */
export { CAMPAIGN_STATUSES, FANOUT_ACTIONS, STOP_ON, WINNER_METRICS } from '../../db/entities/campaign.entity';
export { SKIP_KINDS, type SkipKind } from '../../db/entities/enrollment-skip.entity';
export { IMAP_SECURITIES, IMAP_STATUSES, MAILBOX_STATUSES, SMTP_SECURITIES } from '../../db/entities/mailbox.entity';
