import type { WorkflowHandle } from '@temporalio/client';
import { enrollmentWorkflowId, type EnrollmentResult } from '../../workflows/enrollment/definitions';
import { CAMPAIGNS } from './api-paths';
import { campaignBody } from './factories';
import { eventually, messagesTo, type ApiClient, type TestStack } from './test-stack';

export interface Enrolled {
  campaignId: string;
  enrollmentId: string;
  contactId: string;
  email: string;
}

/** Campaigns, enrollments and their workflows for one organization's API client, on the real stack. */
export function enrollmentFixtures(stack: TestStack, api: ApiClient) {
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> =>
    stack.db.dataSource.query(query, params);

  /** A campaign whose step 2 comes `followUpSeconds` after step 1 (one step when null). */
  async function createCampaign(followUpSeconds: number | null = 3): Promise<string> {
    const steps = [{ subject: 'First', delaySeconds: 0 }];
    if (followUpSeconds !== null) steps.push({ subject: 'Second', delaySeconds: followUpSeconds });
    const created = await api.post(CAMPAIGNS, campaignBody(stack.info, { steps })).expect(201);
    return created.body.data.id as string;
  }

  async function enroll(campaignId: string, email: string): Promise<Enrolled> {
    const response = await api
      .post(`${CAMPAIGNS}/${campaignId}/enroll_contact`, { contact: { email, first_name: 'Robin' } })
      .expect(201);
    return { campaignId, enrollmentId: response.body.data.id, contactId: response.body.data.contact_id, email };
  }

  async function dispatch(campaignId: string): Promise<void> {
    await api.post(`${CAMPAIGNS}/${campaignId}/dispatch`).expect(202);
  }

  /** Enrolls the address in a new campaign and dispatches it. */
  async function start(email: string, followUpSeconds: number | null = 3): Promise<Enrolled> {
    const campaignId = await createCampaign(followUpSeconds);
    const enrolled = await enroll(campaignId, email);
    await dispatch(campaignId);
    return enrolled;
  }

  const waitForMessages = (emails: string[], count: number, what = `${count} message(s)`) =>
    eventually(async () => (await messagesTo(stack.info, emails)).length >= count, { what });

  const subjects = async (email: string) => (await messagesTo(stack.info, [email])).map((message) => message.subject);

  const handle = (enrolled: Enrolled): WorkflowHandle =>
    stack.temporal.workflow.getHandle(enrollmentWorkflowId(enrolled.campaignId, enrolled.contactId));

  const result = (enrolled: Enrolled): Promise<EnrollmentResult> => handle(enrolled).result();

  const enrollmentRow = async (enrollmentId: string) => {
    const enrollment = await stack.db.repos.enrollments.findById(enrollmentId);
    return (
      enrollment && {
        status: enrollment.status,
        last_error: enrollment.lastError,
        next_send_at: enrollment.nextSendAt,
      }
    );
  };

  const contactStatus = async (contactId: string) =>
    (await stack.db.repos.contacts.findManyByIds([contactId])).get(contactId)?.status;

  return {
    sql,
    createCampaign,
    enroll,
    dispatch,
    start,
    waitForMessages,
    subjects,
    handle,
    result,
    enrollmentRow,
    contactStatus,
  };
}
