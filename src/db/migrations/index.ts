import { InitialSchema1763800000000 } from './1763800000000-initial-schema';
import { ListsAndValidation1763900000000 } from './1763900000000-lists-and-validation';
import { CampaignSettingsVariantsSkips1764000000000 } from './1764000000000-campaign-settings-variants-skips';
import { MailboxSendSpacing1764200000000 } from './1764200000000-mailbox-send-spacing';
import { BlockList1764300000000 } from './1764300000000-block-list';
import { EnrollmentControlTime1764400000000 } from './1764400000000-enrollment-control-time';
import { InboundMail1764500000000 } from './1764500000000-inbound-mail';
import { MessageStandards1764600000000 } from './1764600000000-message-standards';
import { ApiRateLimits1764700000000 } from './1764700000000-api-rate-limits';
import { CampaignFanout1764800000000 } from './1764800000000-campaign-fanout';
import { CaseInsensitiveAddresses1764850000000 } from './1764850000000-case-insensitive-addresses';
import { SendLedgerMailboxErrors1764900000000 } from './1764900000000-send-ledger-mailbox-errors';
import { SendQuotas1765000000000 } from './1765000000000-send-quotas';
import { SequenceEdits1765300000000 } from './1765300000000-sequence-edits';
import { MailboxSignatureWarmup1765400000000 } from './1765400000000-mailbox-signature-warmup';
import { LeadCategories1765100000000 } from './1765100000000-lead-categories';
import { MessageBodies1765200000000 } from './1765200000000-message-bodies';
import { EventsAndWebhooks1765500000000 } from './1765500000000-events-and-webhooks';
import { SmartleadAliases1765600000000 } from './1765600000000-smartlead-aliases';
import { WebhookFormat1765700000000 } from './1765700000000-webhook-format';

/** Every migration, oldest first; TypeORM runs the ones the database has not seen. */
export const migrations = [
  InitialSchema1763800000000,
  ListsAndValidation1763900000000,
  CampaignSettingsVariantsSkips1764000000000,
  MailboxSendSpacing1764200000000,
  BlockList1764300000000,
  EnrollmentControlTime1764400000000,
  InboundMail1764500000000,
  MessageStandards1764600000000,
  ApiRateLimits1764700000000,
  CampaignFanout1764800000000,
  CaseInsensitiveAddresses1764850000000,
  SendLedgerMailboxErrors1764900000000,
  SendQuotas1765000000000,
  LeadCategories1765100000000,
  MessageBodies1765200000000,
  SequenceEdits1765300000000,
  MailboxSignatureWarmup1765400000000,
  EventsAndWebhooks1765500000000,
  SmartleadAliases1765600000000,
  WebhookFormat1765700000000,
];
