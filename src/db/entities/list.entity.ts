import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A named set of an organization's contacts; `uuid` is its public handle, `id` the reference's numeric id. */
@Entity('lists')
@Index('lists_organization_id_created_at_idx', ['organizationId', 'createdAt'])
export class ListEntity {
  /** bigint: returned by node-postgres as a string. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Index('lists_uuid_key', { unique: true })
  @Column({ type: 'uuid', default: () => 'gen_random_uuid()' })
  uuid!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text' })
  name!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
