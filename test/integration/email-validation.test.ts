import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { createMailHostResolver } from '../../src/mail/dns';
import {
  resumePendingValidations,
  TemporalEmailValidationWorkflows,
} from '../../src/temporal/email-validation-workflows';
import { emailValidationWorkflowId } from '../../workflows/email-validation/definitions';
import type { TestDnsZone } from '../helpers/dns-server';
import { connectTestStack, eventually, type TestStack } from '../helpers/test-stack';

const HISTORIES = path.join(__dirname, '..', 'workflows', 'histories');

interface CheckRow {
  email: string;
  email_valid: boolean | null;
  email_check_status: string | null;
  email_check_detail: string | null;
  email_checked_at: Date | null;
  email_check_requested_at: Date | null;
  email_check_retry_at: Date | null;
  email_check_attempts: number;
  email_disposable: boolean | null;
  email_role: boolean | null;
}

describe('the email validation job (real Temporal, Postgres and a real DNS server)', () => {
  let stack: TestStack;
  let zone: TestDnsZone;
  let validation: TemporalEmailValidationWorkflows;

  /** Inserts contacts already marked for checking, as an `auto_clean` import leaves them. */
  async function insertRequested(organizationId: string, emails: string[]): Promise<void> {
    const contacts = emails.map((email) => ({ email, fields: {}, timezone: null }));
    await stack.db.repos.contacts.upsertMany(organizationId, contacts, true);
  }

  async function rowsOf(organizationId: string): Promise<Map<string, CheckRow>> {
    const rows: CheckRow[] = await stack.db.dataSource.query(
      `SELECT email, email_valid, email_check_status, email_check_detail, email_checked_at, email_check_requested_at,
              email_check_retry_at, email_check_attempts, email_disposable, email_role
         FROM contacts WHERE organization_id = $1`,
      [organizationId],
    );
    return new Map(rows.map((row) => [row.email, row]));
  }

  const person = (domain: string) => `p-${crypto.randomBytes(4).toString('hex')}@${domain}`;

  beforeAll(async () => {
    stack = await connectTestStack();
    zone = stack.info.dns.zone;
    validation = new TemporalEmailValidationWorkflows(stack.temporal, stack.info.taskQueue);
  });

  afterAll(async () => {
    await stack.close();
  });

  describe('when an organization requests checks on every kind of domain', () => {
    let organizationId: string;
    let emails: Record<'mx' | 'role' | 'aOnly' | 'aaaaOnly' | 'nullMx' | 'nxdomain' | 'disposable' | 'timeout', string>;

    beforeAll(async () => {
      organizationId = (await stack.newOrganization()).organizationId;
      emails = {
        mx: person(zone.mx),
        role: `info@${zone.mx}`,
        aOnly: person(zone.aOnly),
        aaaaOnly: person(zone.aaaaOnly),
        nullMx: person(zone.nullMx),
        nxdomain: person(zone.nxdomain),
        disposable: person('mailinator.com'),
        timeout: person(zone.timeout),
      };
      await insertRequested(organizationId, Object.values(emails));

      await validation.requestValidation(organizationId);
    });

    it('then every definite answer is stored with its status, and the request is cleared', async () => {
      const rows = await eventually(
        async () => {
          const current = await rowsOf(organizationId);
          const settled = [...current.values()].filter((row) => row.email_check_requested_at === null);
          return settled.length === 7 && current;
        },
        { what: 'the 7 definite checks' },
      );

      const expected: [keyof typeof emails, string, boolean][] = [
        ['mx', 'valid', true],
        ['role', 'valid', true],
        ['aOnly', 'valid', true],
        ['aaaaOnly', 'valid', true],
        ['nullMx', 'null_mx', false],
        ['nxdomain', 'nxdomain', false],
        ['disposable', 'disposable', false],
      ];
      for (const [kind, status, valid] of expected) {
        expect({ kind, ...rows.get(emails[kind]) }).toMatchObject({
          kind,
          email_check_status: status,
          email_valid: valid,
          email_checked_at: expect.any(Date),
          email_check_retry_at: null,
          email_check_attempts: 0,
          email_disposable: kind === 'disposable',
          email_role: kind === 'role',
        });
      }
      expect(rows.get(emails.mx)!.email_check_detail).toBe(`MX mail.${zone.mx} (10), backup.${zone.mx} (20)`);
      expect(rows.get(emails.aaaaOnly)!.email_check_detail).toBe('no MX; AAAA 2001:db8::30');
    });

    it('then the domain that never answers stays requested, unknown, and is retried later', async () => {
      const row = await eventually(
        async () => {
          const current = (await rowsOf(organizationId)).get(emails.timeout)!;
          return current.email_check_attempts >= 1 && current;
        },
        { what: 'the first inconclusive attempt' },
      );

      expect(row.email_valid).toBeNull();
      expect(row.email_check_status).toBe('unknown');
      expect(row.email_check_detail).toBe('MX lookup failed: ETIMEOUT; attempt 1 of 5');
      expect(row.email_check_requested_at).not.toBeNull();
      expect(row.email_check_retry_at!.getTime()).toBeGreaterThan(Date.now());
      expect(row.email_check_retry_at!.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    });

    it('then a second request while the job waits signals the same run instead of starting another', async () => {
      const handle = stack.temporal.workflow.getHandle(emailValidationWorkflowId(organizationId));
      const before = await handle.describe();
      expect(before.status.name).toBe('RUNNING');

      await validation.requestValidation(organizationId);
      await validation.requestValidation(organizationId);

      const after = await handle.describe();
      expect(after.runId).toBe(before.runId);
      expect(after.status.name).toBe('RUNNING');
      const signals = async () =>
        (await handle.fetchHistory()).events?.filter((event) => event.workflowExecutionSignaledEventAttributes) ?? [];
      await eventually(async () => (await signals()).length === 3, { what: 'three signals on one run' });
      // Woken early, the job found nothing due: the postponed check was not retried ahead of time.
      expect((await rowsOf(organizationId)).get(emails.timeout)!.email_check_attempts).toBe(1);

      const history = await handle.fetchHistory();
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history);
      if (process.env.UPDATE_HISTORIES === '1') {
        await fs.writeFile(path.join(HISTORIES, 'email-validation-retry-wait.json'), `${historyToJSON(history)}\n`);
      }
    });
  });

  describe('when every requested check gets a definite answer', () => {
    it('then the job finishes, and its recorded history replays deterministically', async () => {
      const { organizationId } = await stack.newOrganization();
      await insertRequested(organizationId, [person(zone.mx), person(zone.nxdomain), person('mailinator.com')]);

      await validation.requestValidation(organizationId);
      const handle = stack.temporal.workflow.getHandle(emailValidationWorkflowId(organizationId));

      expect(await handle.result()).toMatchObject({ processed: 3 });
      const rows = [...(await rowsOf(organizationId)).values()];
      expect(rows.map((row) => row.email_check_status).sort()).toEqual(['disposable', 'nxdomain', 'valid']);
      const history = await handle.fetchHistory();
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history);
      // `UPDATE_HISTORIES=1 npm test` refreshes the fixture that test/workflows replays on every run.
      if (process.env.UPDATE_HISTORIES === '1') {
        await fs.writeFile(path.join(HISTORIES, 'email-validation-complete.json'), `${historyToJSON(history)}\n`);
      }
    });
  });

  describe('when contacts were marked but the wake-up was lost (a crash after the commit)', () => {
    it('then the startup sweep starts the job for their organization', async () => {
      const { organizationId } = await stack.newOrganization();
      const email = person(zone.aOnly);
      await insertRequested(organizationId, [email]);

      const woken = await resumePendingValidations(stack.temporal, stack.db, stack.info.taskQueue);

      expect(woken).toBeGreaterThanOrEqual(1);
      const row = await eventually(
        async () => {
          const current = (await rowsOf(organizationId)).get(email)!;
          return current.email_check_requested_at === null && current;
        },
        { what: 'the swept check' },
      );
      expect(row).toMatchObject({ email_check_status: 'valid', email_valid: true });
    });
  });

  describe('when the node:dns adapter asks the test DNS server directly', () => {
    it('then each zone name gets the answer kind the classification relies on', async () => {
      const resolver = createMailHostResolver({ servers: [`127.0.0.1:${stack.info.dns.port}`], timeoutMs: 300 });

      expect(await resolver.mx(zone.mx)).toMatchObject({ kind: 'found' });
      expect(await resolver.mx(zone.nullMx)).toEqual({ kind: 'found', records: [{ exchange: '', priority: 0 }] });
      expect(await resolver.mx(zone.aOnly)).toEqual({ kind: 'no_records' });
      expect(await resolver.addresses(zone.aOnly, 4)).toEqual({ kind: 'found', records: ['192.0.2.20'] });
      expect(await resolver.addresses(zone.aOnly, 6)).toEqual({ kind: 'no_records' });
      expect(await resolver.addresses(zone.aaaaOnly, 6)).toEqual({ kind: 'found', records: ['2001:db8::30'] });
      expect(await resolver.mx(zone.nxdomain)).toEqual({ kind: 'no_domain' });
      expect(await resolver.mx(zone.timeout)).toEqual({ kind: 'failed', reason: 'ETIMEOUT' });
    });
  });
});
