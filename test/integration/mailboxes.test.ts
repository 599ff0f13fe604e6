import crypto from 'node:crypto';
import {
  createPendingCampaign,
  expectError,
  expectNoChanges,
  expectValidationFailure,
  newOrganization,
  type Organization,
} from '../helpers/api-errors';
import { SecretBox } from '../../src/crypto/secret-box';
import { CAMPAIGNS } from '../helpers/api-paths';
import { dkimKeys } from '../helpers/factories';
import { connectTestStack, type TestStack } from '../helpers/test-stack';

const MAILBOXES = '/api/v1/mailboxes';

/** The organization's mailboxes as a resource: created, read, changed, deleted, attached and detached. */
describe('mailboxes', () => {
  let stack: TestStack;
  let org: Organization;
  let other: Organization;
  const keys = dkimKeys();

  beforeAll(async () => {
    stack = await connectTestStack();
    [org, other] = await Promise.all([newOrganization(stack), newOrganization(stack)]);
  });

  afterAll(async () => {
    await stack.close();
  });

  const newMailbox = (extra: Record<string, unknown> = {}) => ({
    label: 'Grace',
    smtp_host: '127.0.0.1',
    smtp_port: stack.info.smtpPort,
    smtp_security: 'none',
    smtp_username: `grace-${crypto.randomBytes(4).toString('hex')}@sender.test`,
    smtp_password: 'first-password',
    from_name: 'Grace Hopper',
    daily_limit: 40,
    ...extra,
  });

  const secretsOf = async (id: string) =>
    (
      await stack.db.dataSource.query<
        { smtp_password_encrypted: string; imap_password_encrypted: string | null; dkim_domain: string | null }[]
      >('SELECT smtp_password_encrypted, imap_password_encrypted, dkim_domain FROM mailboxes WHERE id = $1', [id])
    )[0]!;

  it('when created, then it is listed and read with its settings and health, never a password', async () => {
    const body = newMailbox({
      imap_host: stack.info.imap.host,
      imap_port: stack.info.imap.port,
      imap_security: 'none',
      imap_username: 'grace@imap.test',
      imap_password: 'imap-secret',
    });

    const created = await org.api.post(MAILBOXES, body).expect(201);

    const mailbox = created.body.data;
    expect(mailbox).toMatchObject({
      label: 'Grace',
      smtp_username: body.smtp_username,
      from_email: body.smtp_username,
      from_name: 'Grace Hopper',
      daily_limit: 40,
      imap_host: stack.info.imap.host,
      status: 'active',
      sent_today: 0,
      campaigns: [],
    });
    expect(JSON.stringify(created.body)).not.toMatch(/first-password|imap-secret/);
    const listed = await org.api.get(MAILBOXES).expect(200);
    expect(listed.body.data.map((each: { id: string }) => each.id)).toContain(mailbox.id);
    expect((await org.api.get(`${MAILBOXES}/${mailbox.id}`).expect(200)).body.data).toEqual(mailbox);
  });

  it('when the same account is created again, then 409 names the existing mailbox and nothing changes', async () => {
    const body = newMailbox();
    const first = (await org.api.post(MAILBOXES, body).expect(201)).body.data;

    const again = await expectNoChanges(stack, [org.organizationId], () =>
      org.api.post(MAILBOXES, { ...body, smtp_host: '127.0.0.1', daily_limit: 7 }),
    );

    expectError(again, 409, 'conflict');
    expect(again.body.mailbox_id).toBe(first.id);
    expect(again.body.message).toContain(`PATCH /mailboxes/${first.id}`);
  });

  it('when a field is invalid or a host is refused, then 422 names the field and nothing is saved', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [newMailbox({ smtp_port: 70_000 }), 'smtp_port'],
      [newMailbox({ smtp_username: 'not-an-address' }), 'from_email'],
      [newMailbox({ imap_host: 'imap.test' }), 'imap_host'],
      [newMailbox({ smtp_host: '169.254.169.254' }), 'smtp_host'],
      [newMailbox({ from_name: 'Grace\r\nBcc: victim@example.com' }), 'from_name'],
    ];
    for (const [body, field] of cases) {
      const refused = await expectNoChanges(stack, [org.organizationId], () => org.api.post(MAILBOXES, body));
      if (field === 'imap_host') expectError(refused, 422, 'validation_failed');
      else expectValidationFailure(refused, field);
    }
  });

  it("when another organization's mailbox is named, then 404 everywhere and it is untouched", async () => {
    const theirs = (await other.api.post(MAILBOXES, newMailbox()).expect(201)).body.data;
    const campaign = await createPendingCampaign(stack, org);

    for (const response of [
      await org.api.get(`${MAILBOXES}/${theirs.id}`),
      await org.api.patch(`${MAILBOXES}/${theirs.id}`, { daily_limit: 1 }),
      await org.api.delete(`${MAILBOXES}/${theirs.id}`),
      await org.api.post(`${CAMPAIGNS}/${campaign.id}/mailboxes`, { mailbox_id: theirs.id }),
      await org.api.get(`${MAILBOXES}/not-a-uuid`),
    ]) {
      expectError(response, 404, 'mailbox_not_found');
    }
    expect((await other.api.get(`${MAILBOXES}/${theirs.id}`).expect(200)).body.data).toEqual(theirs);
  });

  it('when changed, then only the given fields change, passwords are replaced unseen and IMAP or DKIM can be removed', async () => {
    const body = newMailbox({
      imap_host: stack.info.imap.host,
      imap_port: stack.info.imap.port,
      imap_username: 'grace@imap.test',
      imap_password: 'imap-secret',
      dkim_domain: 'sender.test',
      dkim_selector: 's1',
      dkim_private_key: keys.pem,
    });
    const created = (await org.api.post(MAILBOXES, body).expect(201)).body.data;
    const before = await secretsOf(created.id);

    const changed = await org.api
      .patch(`${MAILBOXES}/${created.id}`, { daily_limit: 60, smtp_password: 'second-password', imap_port: 1143 })
      .expect(200);

    expect(changed.body.data).toEqual({ ...created, daily_limit: 60, effective_daily_limit: 60, imap_port: 1143 });
    const after = await secretsOf(created.id);
    expect(after.smtp_password_encrypted).not.toBe(before.smtp_password_encrypted);
    expect(new SecretBox(stack.info.secretKey).decrypt(after.smtp_password_encrypted)).toBe('second-password');
    // The IMAP password was not given: it is kept as it was.
    expect(new SecretBox(stack.info.secretKey).decrypt(after.imap_password_encrypted!)).toBe('imap-secret');

    const removed = await org.api
      .patch(`${MAILBOXES}/${created.id}`, { imap_host: null, dkim_domain: null })
      .expect(200);

    expect(removed.body.data).toMatchObject({ imap_host: null, imap_port: null, imap_username: null, dkim: null });
    expect(await secretsOf(created.id)).toMatchObject({ imap_password_encrypted: null, dkim_domain: null });
  });

  it('when a change is invalid or clashes with another account, then it is refused and nothing changes', async () => {
    const first = (await org.api.post(MAILBOXES, newMailbox()).expect(201)).body.data;
    const second = (await org.api.post(MAILBOXES, newMailbox()).expect(201)).body.data;
    const plain = (await org.api.post(MAILBOXES, newMailbox()).expect(201)).body.data;

    expectValidationFailure(await org.api.patch(`${MAILBOXES}/${first.id}`, {}), 'body');
    expectValidationFailure(
      await org.api.patch(`${MAILBOXES}/${first.id}`, { imap_host: null, imap_port: 993 }),
      'imap_host',
    );
    expectValidationFailure(await org.api.patch(`${MAILBOXES}/${first.id}`, { status: 'error' }), 'status');
    // Without IMAP settings, a lone IMAP field cannot make a whole set.
    expectValidationFailure(await org.api.patch(`${MAILBOXES}/${plain.id}`, { imap_port: 993 }), 'imap_host');
    const clash = await org.api.patch(`${MAILBOXES}/${second.id}`, { smtp_username: first.smtp_username });
    expectError(clash, 409, 'conflict');
    expect(clash.body.mailbox_id).toBe(first.id);
    for (const mailbox of [first, second, plain]) {
      expect((await org.api.get(`${MAILBOXES}/${mailbox.id}`).expect(200)).body.data).toEqual(mailbox);
    }
  });

  it('when disabled and re-enabled, then its status says so; new SMTP settings take a mailbox in error back', async () => {
    const mailbox = (await org.api.post(MAILBOXES, newMailbox()).expect(201)).body.data;

    const disabled = await org.api.patch(`${MAILBOXES}/${mailbox.id}`, { status: 'disabled' }).expect(200);
    expect(disabled.body.data).toMatchObject({ status: 'disabled', disabled_reason: 'disabled by a user' });
    const enabled = await org.api.patch(`${MAILBOXES}/${mailbox.id}`, { status: 'active' }).expect(200);
    expect(enabled.body.data).toMatchObject({ status: 'active', disabled_at: null, disabled_reason: null });

    await stack.db.repos.mailboxes.recordSmtpError(mailbox.id, '535 5.7.8 Authentication credentials invalid');
    expect((await org.api.get(`${MAILBOXES}/${mailbox.id}`).expect(200)).body.data).toMatchObject({
      status: 'error',
      smtp_error: '535 5.7.8 Authentication credentials invalid',
    });
    const fixed = await org.api.patch(`${MAILBOXES}/${mailbox.id}`, { smtp_password: 'the-right-one' }).expect(200);
    expect(fixed.body.data).toMatchObject({ status: 'active', smtp_error: null, smtp_error_at: null });
  });

  it('when attached and detached, then the campaign sends from it or not; the last mailbox cannot be detached', async () => {
    const campaign = await createPendingCampaign(stack, org);
    const [original] = (await org.api.get(`${CAMPAIGNS}/${campaign.id}/mailboxes`).expect(200)).body.data;
    const extra = (await org.api.post(MAILBOXES, newMailbox()).expect(201)).body.data;

    const attached = await org.api.post(`${CAMPAIGNS}/${campaign.id}/mailboxes`, { mailbox_id: extra.id }).expect(201);
    expect(attached.body.data.campaigns).toEqual([{ id: campaign.id, name: campaign.name }]);
    await org.api.post(`${CAMPAIGNS}/${campaign.id}/mailboxes`, { mailbox_id: extra.id }).expect(200);
    const both = (await org.api.get(`${CAMPAIGNS}/${campaign.id}/mailboxes`).expect(200)).body.data;
    expect(both.map((mailbox: { id: string }) => mailbox.id)).toEqual([original.id, extra.id]);
    const details = (await org.api.get(`${CAMPAIGNS}/${campaign.id}`).expect(200)).body.data;
    expect(details.credentials.map((mailbox: { id: string }) => mailbox.id)).toEqual([original.id, extra.id]);

    const detached = await org.api.delete(`${CAMPAIGNS}/${campaign.id}/mailboxes/${original.id}`).expect(200);
    expect(detached.body.data).toEqual({ mailbox_id: original.id, campaign_id: campaign.id, reassigned: 0 });

    const last = await org.api.delete(`${CAMPAIGNS}/${campaign.id}/mailboxes/${extra.id}`);
    expectError(last, 409, 'conflict');
    expect(last.body.message).toMatch(/only mailbox/);
    expectError(
      await org.api.delete(`${CAMPAIGNS}/${campaign.id}/mailboxes/${original.id}`),
      404,
      'credential_not_found',
    );
    const remaining = (await org.api.get(`${CAMPAIGNS}/${campaign.id}/mailboxes`).expect(200)).body.data;
    expect(remaining.map((mailbox: { id: string }) => mailbox.id)).toEqual([extra.id]);
  });

  it('when deleted, then one in use is a 409 naming its campaigns unless forced; one that has sent cannot go', async () => {
    const campaign = await createPendingCampaign(stack, org);
    const mailbox = (await org.api.post(MAILBOXES, newMailbox()).expect(201)).body.data;
    await org.api.post(`${CAMPAIGNS}/${campaign.id}/mailboxes`, { mailbox_id: mailbox.id }).expect(201);

    const inUse = await expectNoChanges(stack, [org.organizationId], () =>
      org.api.delete(`${MAILBOXES}/${mailbox.id}`),
    );
    expectError(inUse, 409, 'conflict');
    expect(inUse.body.campaigns).toEqual([{ id: campaign.id, name: campaign.name }]);

    await org.api.delete(`${MAILBOXES}/${mailbox.id}?force=true`).expect(200);
    expectError(await org.api.get(`${MAILBOXES}/${mailbox.id}`), 404, 'mailbox_not_found');
    const left = (await org.api.get(`${CAMPAIGNS}/${campaign.id}/mailboxes`).expect(200)).body.data;
    expect(left.map((each: { id: string }) => each.id)).not.toContain(mailbox.id);

    const used = (await org.api.post(MAILBOXES, newMailbox()).expect(201)).body.data;
    await stack.db.dataSource.query(
      `INSERT INTO messages (organization_id, campaign_id, enrollment_id, step_position, mailbox_id, message_id,
                             status, to_email, subject)
       VALUES ($1, $2, $3, 1, $4, $5, 'sent', 'someone@example.test', 'Hello')`,
      [org.organizationId, campaign.id, campaign.enrollmentId, used.id, `<${crypto.randomUUID()}@sender.test>`],
    );
    const withHistory = await org.api.delete(`${MAILBOXES}/${used.id}?force=true`);
    expectError(withHistory, 409, 'conflict');
    expect(withHistory.body.message).toMatch(/disable it instead/);
  });
});
