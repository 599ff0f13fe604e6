import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinTable,
  ManyToMany,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AliasColumn } from './alias-column';
import { numeric } from './column-types';
import { MailboxEntity } from './mailbox.entity';
import { SequenceStepEntity } from './sequence-step.entity';

/**
 * `pending` (drafted: not dispatched yet) → `active` ⇄ `paused`; `completed` when every enrollment of a campaign
 * that is not evergreen has finished and none waits for dispatch (a new dispatch makes it active again); `stopped`
 * for good; `archived`, put away once it no longer sends.
 */
export const CAMPAIGN_STATUSES = ['pending', 'active', 'paused', 'stopped', 'completed', 'archived'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export const STOP_ON = ['reply', 'open', 'click', 'never'] as const;
export type StopOn = (typeof STOP_ON)[number];
export const WINNER_METRICS = ['opens_unique', 'clicks_unique', 'replies'] as const;
export type WinnerMetric = (typeof WINNER_METRICS)[number];
/**
 * Campaign-wide changes carried to the running enrollments in the background (see workflows/campaign-fanout);
 * `sequence`: an edit of the sequence's timing.
 */
export const FANOUT_ACTIONS = ['pause', 'resume', 'stop', 'delete', 'sequence'] as const;
export type FanoutAction = (typeof FANOUT_ACTIONS)[number];

/** When a campaign may send: days 0–6 (0 = Sunday) and hours [start, end) in `timezone` (the contact's if known). */
export interface SendingSchedule {
  timezone: string;
  days: number[];
  startHour: number;
  endHour: number;
}

@Entity('campaigns')
@Index('campaigns_organization_id_created_at_idx', ['organizationId', 'createdAt'])
export class CampaignEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The Smartlead-compatible API's integer id of this row (read-only, generated). */
  @AliasColumn()
  alias!: number;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', default: 'pending' })
  status!: CampaignStatus;

  /** Evergreen campaigns take new contacts at any time through `schedule_contacts`. */
  @Column({ type: 'boolean', default: false })
  evergreen!: boolean;

  @Column({ name: 'outreach_id', type: 'uuid', nullable: true })
  outreachId!: string | null;

  @Column({ name: 'min_wait_seconds', type: 'integer', default: 120 })
  minWaitSeconds!: number;

  @Column({ name: 'max_wait_seconds', type: 'integer', default: 420 })
  maxWaitSeconds!: number;

  @Column({ name: 'verify_email_mx', type: 'boolean', default: false })
  verifyEmailMx!: boolean;

  @Column({
    name: 'bounce_rate_threshold',
    type: 'numeric',
    precision: 5,
    scale: 2,
    default: 8.0,
    transformer: numeric,
  })
  bounceRateThreshold!: number;

  @Column({ type: 'jsonb', nullable: true })
  schedule!: SendingSchedule | null;

  /** At most this many first steps per day; null = no cap beyond the mailboxes' limits. */
  @Column({ name: 'max_new_per_day', type: 'integer', nullable: true })
  maxNewPerDay!: number | null;

  @Column({ name: 'stop_on', type: 'text', default: 'reply' })
  stopOn!: StopOn;

  @Column({ name: 'track_opens', type: 'boolean', default: false })
  trackOpens!: boolean;

  @Column({ name: 'track_clicks', type: 'boolean', default: false })
  trackClicks!: boolean;

  /** Send the plain-text part only (no HTML, so no open pixel or tracked links). */
  @Column({ name: 'send_as_plain_text', type: 'boolean', default: false })
  sendAsPlainText!: boolean;

  /** Appended to every message (both parts) as the unsubscribe link's text; null = no footer (headers only). */
  @Column({ name: 'unsubscribe_text', type: 'text', nullable: true })
  unsubscribeText!: string | null;

  /** A/B testing: the metric that picks a step's winner, once each variant has `winnerMinSends` sends. */
  @Column({ name: 'winner_metric', type: 'text', nullable: true })
  winnerMetric!: WinnerMetric | null;

  @Column({ name: 'winner_min_sends', type: 'integer', nullable: true })
  winnerMinSends!: number | null;

  /** The last pause, resume or delete told to the running enrollments in the background; null before the first. */
  @Column({ name: 'fanout_action', type: 'text', nullable: true })
  fanoutAction!: FanoutAction | null;

  /** Counts those requests: the background job starts its pass over when it sees a newer one. */
  @Column({ name: 'fanout_generation', type: 'integer', default: 0 })
  fanoutGeneration!: number;

  /** Running enrollments when the request was made, and how many the job has told so far. */
  @Column({ name: 'fanout_total', type: 'integer', default: 0 })
  fanoutTotal!: number;

  @Column({ name: 'fanout_done', type: 'integer', default: 0 })
  fanoutDone!: number;

  @Column({ name: 'fanout_started_at', type: 'timestamptz', nullable: true })
  fanoutStartedAt!: Date | null;

  /** Null while the job is still telling them (a deleted campaign is gone once it is done). */
  @Column({ name: 'fanout_finished_at', type: 'timestamptz', nullable: true })
  fanoutFinishedAt!: Date | null;

  /** The pass also tells the running enrollments to re-read their next step: the sequence's timing was edited. */
  @Column({ name: 'fanout_sequence', type: 'boolean', default: false })
  fanoutSequence!: boolean;

  @OneToMany(() => SequenceStepEntity, (step) => step.campaign)
  steps?: SequenceStepEntity[];

  @ManyToMany(() => MailboxEntity)
  @JoinTable({
    name: 'campaign_mailboxes',
    joinColumn: { name: 'campaign_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'mailbox_id', referencedColumnName: 'id' },
  })
  mailboxes?: MailboxEntity[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
