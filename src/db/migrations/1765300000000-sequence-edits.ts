import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A campaign's sequence can be edited while it runs. When an edit changes when steps are due (a delay, a step added
 * or removed), the running enrollments are told by the campaign's fan-out job, in the same pass that carries pauses
 * and resumes: `fanout_sequence` says the pass must also tell them to re-read their next step. A pause or resume
 * requested while such a pass is unfinished keeps the flag, so no enrollment misses the edit.
 */
export class SequenceEdits1765300000000 implements MigrationInterface {
  name = 'SequenceEdits1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaigns ADD COLUMN fanout_sequence boolean NOT NULL DEFAULT false');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE campaigns DROP COLUMN fanout_sequence');
  }
}
