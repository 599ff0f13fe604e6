import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A group of campaigns; with `uniqueContacts`, a contact is enrolled in at most one of them. */
@Entity('outreaches')
@Index('outreaches_organization_id_idx', ['organizationId'])
export class OutreachEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'unique_contacts', type: 'boolean', default: false })
  uniqueContacts!: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
