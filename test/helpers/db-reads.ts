import type { Database } from '../../src/db/repositories';

/*
 * Reads that several suites make and no repository method makes (src/db/repositories has no such query), kept in one
 * place. Where a repository method reads the same, suites call it through `stack.db.repos` instead.
 */

/** How many contacts the organization has, in any list or none. */
export async function countContacts(db: Database, organizationId: string): Promise<number> {
  const [row] = await db.dataSource.query<{ count: string }[]>(
    'SELECT count(*) FROM contacts WHERE organization_id = $1',
    [organizationId],
  );
  return Number(row!.count);
}

/** How many message rows, whatever their status, a campaign or a mailbox has. */
export async function countMessages(db: Database, of: { campaignId: string } | { mailboxId: string }): Promise<number> {
  const [column, id] = 'campaignId' in of ? ['campaign_id', of.campaignId] : ['mailbox_id', of.mailboxId];
  const [row] = await db.dataSource.query<{ count: string }[]>(`SELECT count(*) FROM messages WHERE ${column} = $1`, [
    id,
  ]);
  return Number(row!.count);
}
