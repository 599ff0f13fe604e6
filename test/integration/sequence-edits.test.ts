import fs from 'node:fs/promises';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { enrollmentWorkflowId } from '../../workflows/enrollment/definitions';
import { CAMPAIGNS } from '../helpers/api-paths';
import { campaignFixtures } from '../helpers/campaign-fixtures';
import { uniqueEmail } from '../helpers/factories';
import { connectTestStack, eventually, messagesTo, rawMessage, type TestStack } from '../helpers/test-stack';

/** A delay no test waits for: a step that arrives was re-timed by an edit. */
const LONG_SECONDS = 900;

/** Editing the sequence of a running campaign: enrollments asleep before a step get what the edit says. */
describe('a sequence edited while enrollments sleep between steps', () => {
  let stack: TestStack;
  const { createCampaign, enroll, newApi, enrollmentStatus } = campaignFixtures(() => stack);

  beforeAll(async () => {
    stack = await connectTestStack();
  });

  afterAll(async () => {
    await stack.close();
  });

  /** A dispatched three-step campaign whose step 1 reached every contact; step 2 waits `LONG_SECONDS`. */
  async function sleepingBeforeStepTwo(contacts: number) {
    const { api } = await newApi();
    const { id } = await createCampaign(api, {
      steps: [
        { subject: 'Hello {{first_name}}', delaySeconds: 0 },
        { subject: '', body: '<p>Original step two</p>', delaySeconds: LONG_SECONDS },
        { subject: '', body: '<p>Step three</p>', delaySeconds: 1 },
      ],
    });
    const enrollees = [];
    for (let index = 0; index < contacts; index += 1) enrollees.push(await enroll(api, id, uniqueEmail('edit')));
    const emails = enrollees.map((enrollee) => enrollee.email);
    await api.post(`${CAMPAIGNS}/${id}/dispatch`).expect(202);
    await eventually(async () => (await messagesTo(stack.info, emails)).length === contacts, {
      what: 'step 1 to every contact',
    });
    return { api, campaignId: id, enrollees, emails };
  }

  const bodiesOf = async (emails: string[]) =>
    Promise.all((await messagesTo(stack.info, emails)).map((message) => rawMessage(stack.info, message)));

  it('when a step waited for gets new content and a shorter delay, then the new content arrives at the new time', async () => {
    const { api, campaignId, enrollees, emails } = await sleepingBeforeStepTwo(2);

    const edited = await api
      .patch(`${CAMPAIGNS}/${campaignId}/steps/2`, {
        step: { delay_minutes: 0.05, body_html: '<p>Edited step two</p>' },
      })
      .expect(200);

    expect(edited.body.data.map((step: { position: number }) => step.position)).toEqual([1, 2, 3]);
    expect(edited.body.data[1]).toMatchObject({
      delay_minutes: 0.05,
      body_html: '<p>Edited step two</p>',
      subject: null,
    });
    await eventually(async () => (await messagesTo(stack.info, emails)).length === 3 * emails.length, {
      what: 'steps 2 and 3 to every contact, long before the old delay',
      timeoutMs: 90_000,
    });
    const bodies = await bodiesOf(emails);
    expect(bodies.filter((raw) => raw.includes('Edited step two'))).toHaveLength(emails.length);
    expect(bodies.some((raw) => raw.includes('Original step two'))).toBe(false);
    for (const enrollee of enrollees) {
      await eventually(async () => (await enrollmentStatus(enrollee.enrollmentId)) === 'completed', {
        what: 'the enrollment completed',
      });
    }
    // The re-read is taken behind its patch, so runs recorded before it replay as they ran.
    const handle = stack.temporal.workflow.getHandle(enrollmentWorkflowId(campaignId, enrollees[0]!.contactId));
    const history = await handle.fetchHistory();
    const patches = (history.events ?? []).flatMap((event) =>
      event.markerRecordedEventAttributes?.markerName === 'core_patch' ? [event] : [],
    );
    expect(patches.length).toBeGreaterThanOrEqual(1);
    // `UPDATE_HISTORIES=1 npm test` refreshes the fixture that test/workflows replays on every run.
    if (process.env.UPDATE_HISTORIES === '1') {
      const file = path.join(__dirname, '..', 'workflows', 'histories', 'enrollment-sequence-edit.json');
      await fs.writeFile(file, `${historyToJSON(history)}\n`);
    }
  });

  it('when the whole sequence is put without the step waited for, then that step is skipped and the next one arrives', async () => {
    const { api, campaignId, enrollees, emails } = await sleepingBeforeStepTwo(2);
    const current = (await api.get(`${CAMPAIGNS}/${campaignId}/steps`).expect(200)).body.data;
    expect(current).toHaveLength(3);

    const put = await api
      .put(`${CAMPAIGNS}/${campaignId}/steps`, {
        sequence_steps: [
          { position: 1, subject: 'Hello {{first_name}}', body_html: current[0].body_html, delay_minutes: 0 },
          { position: 3, body_html: '<p>Step three, rewritten</p>', delay_minutes: 0.02 },
        ],
      })
      .expect(200);

    expect(put.body.data.map((step: { position: number }) => step.position)).toEqual([1, 3]);
    await eventually(async () => (await messagesTo(stack.info, emails)).length === 2 * emails.length, {
      what: 'step 3 to every contact',
      timeoutMs: 90_000,
    });
    for (const enrollee of enrollees) {
      await eventually(async () => (await enrollmentStatus(enrollee.enrollmentId)) === 'completed', {
        what: 'the enrollment completed',
      });
    }
    const bodies = await bodiesOf(emails);
    expect(bodies.filter((raw) => raw.includes('Step three, rewritten'))).toHaveLength(emails.length);
    expect(bodies.some((raw) => raw.includes('step two'))).toBe(false);
    const sent: { step_position: number }[] = await stack.db.dataSource.query(
      'SELECT step_position FROM messages WHERE enrollment_id = $1 ORDER BY step_position',
      [enrollees[0]!.enrollmentId],
    );
    expect(sent.map((message) => message.step_position)).toEqual([1, 3]);
  });

  it('when a step is removed while its send is already due, then the send skips it and the sequence goes on', async () => {
    const { api } = await newApi();
    const { id } = await createCampaign(api, {
      steps: [
        { subject: 'Hello {{first_name}}', delaySeconds: 0 },
        { subject: '', body: '<p>Removed step</p>', delaySeconds: 6 },
        { subject: '', body: '<p>Last step</p>', delaySeconds: 1 },
      ],
    });
    const enrollee = await enroll(api, id, uniqueEmail('removed'));
    await api.post(`${CAMPAIGNS}/${id}/dispatch`).expect(202);
    await eventually(async () => (await messagesTo(stack.info, [enrollee.email])).length === 1, { what: 'step 1' });

    // Behind the API's back, so no enrollment is told: the workflow still sleeps toward step 2.
    await stack.db.dataSource.query('DELETE FROM sequence_steps WHERE campaign_id = $1 AND position = 2', [id]);

    await eventually(async () => (await enrollmentStatus(enrollee.enrollmentId)) === 'completed', {
      what: 'the enrollment completed',
      timeoutMs: 60_000,
    });
    const bodies = await bodiesOf([enrollee.email]);
    expect(bodies).toHaveLength(2);
    expect(bodies.some((raw) => raw.includes('Last step'))).toBe(true);
    expect(bodies.some((raw) => raw.includes('Removed step'))).toBe(false);
  });

  it('when an edit is invalid or names nothing, then it is refused with what to fix and changes nothing', async () => {
    const { api } = await newApi();
    const { id } = await createCampaign(api);
    const before = (await api.get(`${CAMPAIGNS}/${id}/steps`).expect(200)).body.data;

    const noSubject = await api
      .put(`${CAMPAIGNS}/${id}/steps`, { sequence_steps: [{ position: 1, body_html: '<p>x</p>', delay_minutes: 0 }] })
      .expect(422);
    expect(noSubject.body.errors.join(' ')).toMatch(/sequence_steps: the first step needs a subject/);
    const twice = await api
      .put(`${CAMPAIGNS}/${id}/steps`, {
        sequence_steps: [
          { position: 1, subject: 'A', body_html: '<p>a</p>', delay_minutes: 0 },
          { position: 1, subject: 'B', body_html: '<p>b</p>', delay_minutes: 0 },
        ],
      })
      .expect(422);
    expect(twice.body.errors.join(' ')).toMatch(/its own position/);
    const fileRead = await api
      .patch(`${CAMPAIGNS}/${id}/steps/2`, { step: { body_html: "{% include '/etc/passwd' %}" } })
      .expect(422);
    expect(fileRead.body.errors.join(' ')).toMatch(/step\.body_html/);
    await api.patch(`${CAMPAIGNS}/${id}/steps/1`, { step: { subject: '' } }).expect(422);
    await api.patch(`${CAMPAIGNS}/${id}/steps/2`, { step: {} }).expect(422);
    await api.patch(`${CAMPAIGNS}/${id}/steps/2`, { step: { position: 5 } }).expect(422);
    expect((await api.patch(`${CAMPAIGNS}/${id}/steps/7`, { step: { delay_minutes: 1 } }).expect(404)).body.code).toBe(
      'step_not_found',
    );
    await api.patch(`${CAMPAIGNS}/${id}/steps/abc`, { step: { delay_minutes: 1 } }).expect(404);

    const other = await newApi();
    await other.api.get(`${CAMPAIGNS}/${id}/steps`).expect(404);
    await other.api.patch(`${CAMPAIGNS}/${id}/steps/1`, { step: { delay_minutes: 1 } }).expect(404);
    const valid = { sequence_steps: [{ position: 1, subject: 'Mine now', body_html: '<p>x</p>', delay_minutes: 0 }] };
    await other.api.put(`${CAMPAIGNS}/${id}/steps`, valid).expect(404);

    expect((await api.get(`${CAMPAIGNS}/${id}/steps`).expect(200)).body.data).toEqual(before);
  });

  it('when variants are edited, then a step keeps its winner only while that variant exists', async () => {
    const { api } = await newApi();
    const { id } = await createCampaign(api);
    const variants = [
      { label: 'A', body_html: '<p>A</p>', weight: 1 },
      { label: 'B', body_html: '<p>B</p>', weight: 1 },
    ];
    const withVariants = await api.patch(`${CAMPAIGNS}/${id}/steps/1`, { step: { variants } }).expect(200);
    expect(withVariants.body.data[0].variants.map((variant: { label: string }) => variant.label)).toEqual(['A', 'B']);
    await stack.db.dataSource.query(
      `UPDATE sequence_steps SET winner_label = 'A', winner_decided_at = now() WHERE campaign_id = $1 AND position = 1`,
      [id],
    );

    const renamed = await api
      .patch(`${CAMPAIGNS}/${id}/steps/1`, { step: { variants: [variants[0], { ...variants[1], label: 'C' }] } })
      .expect(200);
    expect(renamed.body.data[0].winner_label).toBe('A');
    const without = await api.patch(`${CAMPAIGNS}/${id}/steps/1`, { step: { variants: null } }).expect(200);
    expect(without.body.data[0]).toMatchObject({ variants: [], winner_label: null });
  });
});
