import { simpleParser } from 'mailparser';
import request from 'supertest';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import {
  stackWithOrganization,
  eventually,
  messagesTo,
  pathOf,
  rawMessage,
  type ApiClient,
  type TestStack,
} from '../helpers/test-stack';

/**
 * A click link redirects only to a link of the message it was sent in. The tokens here are signed with the stack's
 * own key: what someone holding a leaked SECRET_KEY, or replaying a token against another message, could make.
 */
describe('click links redirect only to the links of their own message', () => {
  let stack: TestStack;
  let api: ApiClient;
  const tia = uniqueEmail('tia');
  const uma = uniqueEmail('uma');
  const sent: Record<string, { enrollmentId: string; html: string }> = {};

  beforeAll(async () => {
    ({ stack, api } = await stackWithOrganization());

    const body = campaignBody(stack.info);
    const campaign = {
      ...body.campaign,
      track_clicks: true,
      sequence_steps: [
        {
          position: 1,
          subject: 'Your offer',
          body_html:
            '<p>Hi {{first_name}}, <a href="https://example.com/pricing">pricing</a> and ' +
            '<a href="https://example.com/offer?for={{first_name}}">your offer</a>.</p>',
          delay_minutes: 0,
        },
      ],
    };
    const campaignId: string = (await api.post('/api/v1/campaigns', { campaign }).expect(201)).body.data.id;
    for (const [email, firstName] of [
      [tia, 'Tia'],
      [uma, 'Uma'],
    ] as const) {
      const enrolled = await api
        .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, { contact: { email, first_name: firstName } })
        .expect(201);
      sent[email] = { enrollmentId: enrolled.body.data.id, html: '' };
    }
    await api.post(`/api/v1/campaigns/${campaignId}/dispatch`).expect(202);
    for (const email of [tia, uma]) {
      const [message] = await eventually(async () => {
        const messages = await messagesTo(stack.info, [email]);
        return messages.length > 0 ? messages : null;
      });
      sent[email]!.html = String((await simpleParser(await rawMessage(stack.info, message!))).html);
    }
  });

  afterAll(async () => {
    await stack.close();
  });

  const clickLinksOf = (html: string) =>
    [...html.matchAll(/<a href="([^"]+\/t\/c\/[^"]+)"/g)].map((match) => pathOf(match[1]!.replace(/&amp;/g, '&')));
  const clickedAt = async (enrollmentId: string) =>
    (await stack.db.repos.messages.findByStep(enrollmentId, 1))!.clickedAt;

  it('when the recipient clicks the links of the message, then each redirects to its own destination', async () => {
    const [pricing, offer] = clickLinksOf(sent[tia]!.html);

    expect((await request(stack.app).get(pricing!).expect(302)).headers.location).toBe('https://example.com/pricing');
    expect((await request(stack.app).get(offer!).expect(302)).headers.location).toBe(
      'https://example.com/offer?for=Tia',
    );
  });

  it('when a validly signed token names a URL the message never contained, then it is a 404 and no click is recorded', async () => {
    const { enrollmentId } = sent[uma]!;
    const forged = stack.links.clickUrl({ enrollmentId, position: 1 }, 'https://evil.example/login');

    const answer = await request(stack.app).get(pathOf(forged)).expect(404);

    expect(answer.headers.location).toBeUndefined();
    expect(answer.text).toContain('Link not valid');
    expect(await clickedAt(enrollmentId)).toBeNull();
  });

  it('when a token pairs one message with a link of another message, then it is a 404', async () => {
    const { enrollmentId } = sent[uma]!;
    const replayed = stack.links.clickUrl({ enrollmentId, position: 1 }, 'https://example.com/offer?for=Tia');

    await request(stack.app).get(pathOf(replayed)).expect(404);
    expect(await clickedAt(enrollmentId)).toBeNull();
  });

  it('when a token names a step that was never sent to the enrollment, then it is a 404', async () => {
    const forged = stack.links.clickUrl(
      { enrollmentId: sent[uma]!.enrollmentId, position: 2 },
      'https://example.com/pricing',
    );

    await request(stack.app).get(pathOf(forged)).expect(404);
  });
});
