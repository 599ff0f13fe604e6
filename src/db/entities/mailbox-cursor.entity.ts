import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { numeric } from './column-types';

/** How far the mailbox monitor has read one IMAP folder: UIDs are only comparable within one UIDVALIDITY. */
@Entity('mailbox_cursors')
export class MailboxCursorEntity {
  @PrimaryColumn({ name: 'mailbox_id', type: 'uuid' })
  mailboxId!: string;

  @PrimaryColumn({ type: 'text' })
  folder!: string;

  @Column({ name: 'uid_validity', type: 'bigint', transformer: numeric })
  uidValidity!: number;

  @Column({ name: 'last_uid', type: 'bigint', transformer: numeric })
  lastUid!: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
