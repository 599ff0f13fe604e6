import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An A/B variant of a sequence step; an enrollment gets one, chosen by weight and fixed for it. */
@Entity('sequence_step_variants')
@Index('sequence_step_variants_step_id_label_key', ['stepId', 'label'], { unique: true })
export class StepVariantEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'step_id', type: 'uuid' })
  stepId!: string;

  @Column({ type: 'text' })
  label!: string;

  /** Null on a follow-up: it answers under step 1's subject (`Re: …`). */
  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ name: 'body_html', type: 'text' })
  bodyHtml!: string;

  /** The plain-text part; null = generated from the HTML. */
  @Column({ name: 'body_text', type: 'text', nullable: true })
  bodyText!: string | null;

  @Column({ type: 'integer' })
  weight!: number;
}
