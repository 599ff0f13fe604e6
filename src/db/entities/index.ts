import { ApiKeyEntity } from './api-key.entity';
import { BlockedAddressEntity } from './blocked-address.entity';
import { BounceEntity } from './bounce.entity';
import { MailboxCursorEntity } from './mailbox-cursor.entity';
import { ReplyEntity } from './reply.entity';
import { CampaignEntity } from './campaign.entity';
import { ContactEntity } from './contact.entity';
import { EnrollmentEntity } from './enrollment.entity';
import { EnrollmentSkipEntity } from './enrollment-skip.entity';
import { OutreachEntity } from './outreach.entity';
import { StepVariantEntity } from './step-variant.entity';
import { TestSendEntity } from './test-send.entity';
import { ListEntity } from './list.entity';
import { MailboxEntity } from './mailbox.entity';
import { ManualReplyEntity } from './manual-reply.entity';
import { MessageEntity } from './message.entity';
import { OrganizationEntity } from './organization.entity';
import { SequenceStepEntity } from './sequence-step.entity';
import { SendLedgerEntity } from './send-ledger.entity';
import { CampaignDayEntity, MailboxDayEntity } from './sending-day.entity';
import { EventEntity } from './event.entity';
import { WebhookEntity } from './webhook.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';

export const entities = [
  OrganizationEntity,
  ApiKeyEntity,
  ContactEntity,
  ListEntity,
  MailboxEntity,
  CampaignEntity,
  SequenceStepEntity,
  EnrollmentEntity,
  MessageEntity,
  OutreachEntity,
  StepVariantEntity,
  EnrollmentSkipEntity,
  TestSendEntity,
  BlockedAddressEntity,
  MailboxCursorEntity,
  ReplyEntity,
  BounceEntity,
  SendLedgerEntity,
  MailboxDayEntity,
  CampaignDayEntity,
  ManualReplyEntity,
  EventEntity,
  WebhookEntity,
  WebhookDeliveryEntity,
];
