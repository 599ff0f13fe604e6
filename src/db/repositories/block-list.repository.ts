import type { EntityManager } from 'typeorm';
import { BlockedAddressEntity, emailMatchKey, type BlockKind } from '../entities/blocked-address.entity';

/** The entry that blocks an address. */
export interface BlockMatch {
  kind: BlockKind;
  value: string;
}

export class BlockListRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Adds the entry unless the organization has it already; `created` tells which. */
  async insertIfAbsent(
    organizationId: string,
    kind: BlockKind,
    value: string,
  ): Promise<{ entry: BlockedAddressEntity; created: boolean }> {
    const rows: { id: string }[] = await this.manager.query(
      `INSERT INTO blocked_addresses (organization_id, kind, value) VALUES ($1, $2, $3)
       ON CONFLICT (organization_id, kind, value) DO NOTHING
       RETURNING id`,
      [organizationId, kind, value],
    );
    const id = rows[0]?.id;
    const entry = await this.manager.findOneByOrFail(
      BlockedAddressEntity,
      id ? { id } : { organizationId, kind, value },
    );
    return { entry, created: id !== undefined };
  }

  /** The organization's entries, oldest first. */
  page(organizationId: string, offset: number, limit: number): Promise<BlockedAddressEntity[]> {
    return this.manager.find(BlockedAddressEntity, {
      where: { organizationId },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: offset,
      take: limit,
    });
  }

  count(organizationId: string): Promise<number> {
    return this.manager.countBy(BlockedAddressEntity, { organizationId });
  }

  /** Deletes the entry; false when the organization has no such entry. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    const result = await this.manager.delete(BlockedAddressEntity, { organizationId, id });
    return (result.affected ?? 0) > 0;
  }

  /** Whether the organization blocks this (normalized) address, by itself or by its domain or a parent domain. */
  async isBlocked(organizationId: string, email: string): Promise<boolean> {
    return (await this.blockedAmong(organizationId, [email])).size > 0;
  }

  /**
   * Of these (normalized) addresses, those the organization blocks, each with one entry that blocks it. Entries are
   * stored in their match key (emailMatchKey: lower case), so each address is compared in its own and the lookup uses
   * the entries' unique index; a domain entry also covers its subdomains.
   */
  async blockedAmong(organizationId: string, emails: string[]): Promise<Map<string, BlockMatch>> {
    const pairs = emails.flatMap((email) => candidatesOf(email).map((candidate) => ({ email, ...candidate })));
    if (pairs.length === 0) return new Map();
    const rows: { email: string; kind: BlockKind; value: string }[] = await this.manager.query(
      `SELECT DISTINCT ON (candidate.email) candidate.email, entry.kind, entry.value
         FROM unnest($2::text[], $3::text[], $4::text[]) AS candidate(email, kind, value)
         JOIN blocked_addresses entry
           ON entry.organization_id = $1 AND entry.kind = candidate.kind AND entry.value = candidate.value
        ORDER BY candidate.email, entry.kind DESC`,
      [
        organizationId,
        pairs.map((pair) => pair.email),
        pairs.map((pair) => pair.kind),
        pairs.map((pair) => pair.value),
      ],
    );
    return new Map(rows.map((row) => [row.email, { kind: row.kind, value: row.value }]));
  }
}

/** The entries that would block an address: its match key, its domain and every parent domain. */
function candidatesOf(email: string): BlockMatch[] {
  const key = emailMatchKey(email);
  const at = key.lastIndexOf('@');
  if (at <= 0) return [];
  const labels = key.slice(at + 1).split('.');
  const domains = labels.slice(0, -1).map((_label, index) => labels.slice(index).join('.'));
  return [{ kind: 'email' as const, value: key }, ...domains.map((value) => ({ kind: 'domain' as const, value }))];
}
