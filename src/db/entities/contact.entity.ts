import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { AliasColumn } from './alias-column';

export const CONTACT_STATUSES = ['active', 'unsubscribed', 'bounced', 'complained', 'deactivated'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** Standard and custom fields alike: name → value. */
export type ContactFields = Record<string, string>;

@Entity('contacts')
@Index('contacts_organization_id_email_key', ['organizationId', 'email'], { unique: true })
export class ContactEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The Smartlead-compatible API's integer id of this row (read-only, generated). */
  @AliasColumn()
  alias!: number;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  /** Normalized: trimmed, domain lower-cased. */
  @Column({ type: 'text' })
  email!: string;

  /** null = not checked yet. */
  @Column({ name: 'email_valid', type: 'boolean', nullable: true })
  emailValid!: boolean | null;

  @Column({ type: 'text', default: 'active' })
  status!: ContactStatus;

  @Column({ type: 'text', nullable: true })
  timezone!: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'::jsonb` })
  fields!: ContactFields;

  /** Outcome of the last check: valid, invalid_syntax, nxdomain, null_mx, no_mail_host, disposable or unknown. */
  @Column({ name: 'email_check_status', type: 'text', nullable: true })
  emailCheckStatus!: string | null;

  @Column({ name: 'email_check_detail', type: 'text', nullable: true })
  emailCheckDetail!: string | null;

  @Column({ name: 'email_checked_at', type: 'timestamptz', nullable: true })
  emailCheckedAt!: Date | null;

  /** Set when validation is wanted; the validation job clears it once the check has a definite answer. */
  @Column({ name: 'email_check_requested_at', type: 'timestamptz', nullable: true })
  emailCheckRequestedAt!: Date | null;

  /** A check that got no definite answer (DNS timeout) is retried after this time. */
  @Column({ name: 'email_check_retry_at', type: 'timestamptz', nullable: true })
  emailCheckRetryAt!: Date | null;

  @Column({ name: 'email_check_attempts', type: 'integer', default: 0 })
  emailCheckAttempts!: number;

  @Column({ name: 'email_disposable', type: 'boolean', nullable: true })
  emailDisposable!: boolean | null;

  @Column({ name: 'email_role', type: 'boolean', nullable: true })
  emailRole!: boolean | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
