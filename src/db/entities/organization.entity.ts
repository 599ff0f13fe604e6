import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { AliasColumn } from './alias-column';

@Entity('organizations')
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The Smartlead-compatible API's integer id of this row (read-only, generated). */
  @AliasColumn()
  alias!: number;

  @Column({ type: 'text' })
  name!: string;

  /** Sends allowed per calendar month; null = unlimited. */
  @Column({ name: 'monthly_limit', type: 'integer', nullable: true })
  monthlyLimit!: number | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
