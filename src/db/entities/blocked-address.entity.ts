import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const BLOCK_KINDS = ['email', 'domain'] as const;
export type BlockKind = (typeof BLOCK_KINDS)[number];

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
