import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const CONTACT_STATUSES = ['active', 'unsubscribed', 'bounced', 'complained', 'deactivated'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** Standard and custom fields alike: name → value. */
export type ContactFields = Record<string, string>;

@Entity('contacts')
@Index('contacts_organization_id_email_key', ['organizationId', 'email'], { unique: true })
export class ContactEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
