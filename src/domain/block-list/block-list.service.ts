import type { BlockKind, BlockedAddressEntity } from '../../db/entities/blocked-address.entity';
import type { Database } from '../../db/repositories';
import { emailMatchKey, normalizeEmail } from '../contacts/email';
import {
  RUNNING_STATUSES,
  type EnrollmentChange,
  type EnrollmentControlService,
} from '../enrollments/enrollment-control.service';
import { AppError, notFound } from '../errors';

/** What an entry blocks: one address or a whole domain. */
export { BLOCK_KINDS } from '../../db/entities/blocked-address.entity';

export type BlockInput = { email: string; domain?: undefined } | { domain: string; email?: undefined };

/** The organization's block list: addresses and whole domains (with their subdomains) that are never emailed. */
export class BlockListService {
  constructor(
    private readonly db: Database,
    private readonly control: EnrollmentControlService,
  ) {}

  /** One page of the entries, oldest first, and how many there are. */
  async page(
    organizationId: string,
    page: number,
    perPage: number,
  ): Promise<{ entries: BlockedAddressEntity[]; total: number }> {
    const [entries, total] = await Promise.all([
      this.db.repos.blockList.page(organizationId, (page - 1) * perPage, perPage),
      this.db.repos.blockList.count(organizationId),
    ]);
    return { entries, total };
  }

  /**
   * Adds the entry (an existing one is returned as it is) and stops every running enrollment of the contacts it
   * covers, recording why in `last_error`. Pending enrollments are left to dispatch, which skips blocked contacts.
   */
  async add(
    organizationId: string,
    input: BlockInput,
  ): Promise<{ entry: BlockedAddressEntity; created: boolean; stopped: EnrollmentChange[] }> {
    const { kind, value } = normalizeBlockInput(input);
    const { entry, created } = await this.db.repos.blockList.insertIfAbsent(organizationId, kind, value);
    // Looked up after the entry exists: an enrollment starting meanwhile meets the entry at its first send.
    const running = await this.db.repos.enrollmentControl.runningBlockedBy(organizationId, { kind, value });
    const enrollments = await this.db.repos.enrollmentControl.findByIds(running);
    const changes = await this.control.end(enrollments, 'stopped', {
      from: RUNNING_STATUSES,
      signal: 'stop',
      reason: `blocked: the ${kind} ${value} is on the block list`,
    });
    return { entry, created, stopped: changes.filter((change) => change.changed) };
  }

  /** Removes the entry; enrollments it stopped stay stopped. */
  async remove(organizationId: string, id: string): Promise<void> {
    if (!(await this.db.repos.blockList.delete(organizationId, id))) {
      throw notFound('block_list_entry_not_found', 'Block list entry');
    }
  }
}

/**
 * The entry as it is stored and matched: an address normalized as contacts are, then in its match key (lower case), so
 * one mailbox is one entry whatever its spelling; a domain lower-cased and in punycode, without `@` or a final dot.
 */
export function normalizeBlockInput(input: BlockInput): { kind: BlockKind; value: string } {
  if (input.email !== undefined) {
    const email = normalizeEmail(input.email);
    if (!email) throw invalid(`email: "${input.email}" is not a valid email address`);
    return { kind: 'email', value: emailMatchKey(email) };
  }
  const trimmed = input.domain.trim().replace(/^@/, '').replace(/\.$/, '');
  // The address check validates the domain the same way it validates a contact's.
  const domain = trimmed.includes('@') ? null : normalizeEmail(`postmaster@${trimmed}`)?.split('@')[1];
  if (!domain) throw invalid(`domain: "${input.domain}" is not a valid domain name`);
  return { kind: 'domain', value: domain };
}

function invalid(error: string): AppError {
  return new AppError('validation_failed', 'Validation failed: fix the listed fields and try again.', {
    errors: [error],
  });
}
