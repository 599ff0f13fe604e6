import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const SKIP_KINDS = [
  'mx_invalid',
  'cross_campaign_duplicate',
  'blocked',
  'unsubscribed',
  'invalid_email',
] as const;
export type SkipKind = (typeof SKIP_KINDS)[number];

/** Why an enrollment was skipped at dispatch instead of started. */
@Entity('enrollment_skips')
@Index('enrollment_skips_campaign_id_kind_created_at_idx', ['campaignId', 'kind', 'createdAt'])
export class EnrollmentSkipEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @Column({ name: 'enrollment_id', type: 'uuid' })
  enrollmentId!: string;

  @Column({ name: 'contact_id', type: 'uuid' })
  contactId!: string;

  @Column({ type: 'text' })
  kind!: SkipKind;

  @Column({ type: 'text', nullable: true })
  detail!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
