import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const BLOCK_KINDS = ['email', 'domain'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

/**
 * The form in which two addresses are compared: a normalized address (normalizeEmail, src/domain/contacts/email.ts), lower-cased whole. The
 * domain is case-insensitive by the RFC, and every major provider treats the local part so too: `Ada@Example.com` and
 * `ada@example.com` are one mailbox to the block list and to an unsubscribe. Contacts keep the local part as written
 * (and are indexed by `lower(email)`); block-list entries are stored in this form.
 */
export function emailMatchKey(normalizedEmail: string): string {
  return normalizedEmail.toLowerCase();
}

/** An address or a whole domain (subdomains included) the organization never emails. */
@Entity('blocked_addresses')
@Index('blocked_addresses_organization_id_kind_value_key', ['organizationId', 'kind', 'value'], { unique: true })
export class BlockedAddressEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text' })
  kind!: BlockKind;

  /** In its match key: an address normalized and lower-cased (emailMatchKey), or a lower-cased punycode domain. */
  @Column({ type: 'text' })
  value!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
