import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { campaignBody, uniqueEmail } from '../helpers/factories';
import { stackWithOrganization, messagesTo, type ApiClient, type TestStack } from '../helpers/test-stack';

type Body = ReturnType<typeof campaignBody>;

describe('templates read no files and stay within limits (real Postgres, Temporal and SMTP)', () => {
  let stack: TestStack;
  let api: ApiClient;
  let organizationId: string;
  /** A server file with a marker no template may ever show. */
  let secretFile: string;
  const MARKER = `sandbox-marker-${crypto.randomBytes(8).toString('hex')}`;
  /** A file in the working directory (the repository's), and text only it holds. */
  const REPO_FILE = 'package.json';
  const REPO_FILE_TEXT = 'devDependencies';

  beforeAll(async () => {
    ({ stack, api, organizationId } = await stackWithOrganization());
    secretFile = path.join(stack.info.dir, `secret-${crypto.randomBytes(4).toString('hex')}.key`);
    await fs.writeFile(secretFile, `${MARKER}\n`);
  });

  afterAll(async () => {
    await fs.rm(secretFile, { force: true });
    await stack.close();
  });

  const campaignCount = async (): Promise<number> =>
    (await stack.db.repos.campaigns.listByOrganization(organizationId)).length;

  /** The marker file as Liquid resolves a relative name: from the process's working directory, through `..`. */
  const relativeToCwd = () => path.relative(process.cwd(), secretFile);

  /** A valid campaign whose first step's body is then changed in the database, as data from an older release. */
  async function storedCampaign(bodyHtml: string): Promise<string> {
    const response = await api.post('/api/v1/campaigns', campaignBody(stack.info)).expect(201);
    const campaignId = response.body.data.id as string;
    await stack.db.dataSource.query(
      'UPDATE sequence_steps SET body_html = $2 WHERE campaign_id = $1 AND position = 1',
      [campaignId, bodyHtml],
    );
    return campaignId;
  }

  describe('when a campaign is saved with a tag that reads a file', () => {
    const cases: [string, (body: Body) => void, string, string][] = [
      [
        'an include of a path relative to the working directory',
        (body) => (body.campaign.sequence_steps[0]!.body_html = `<p>{% include '${relativeToCwd()}' %}</p>`),
        'include',
        'campaign.sequence_steps.0.body_html',
      ],
      [
        'an include of an absolute path',
        (body) => (body.campaign.sequence_steps[1]!.body_html = `{% include "${secretFile}" %}`),
        'include',
        'campaign.sequence_steps.1.body_html',
      ],
      [
        'an include of a file in the repository',
        (body) => (body.campaign.sequence_steps[0]!.body_html = "{% include 'package.json' %}"),
        'include',
        'campaign.sequence_steps.0.body_html',
      ],
      [
        'a render in the subject',
        (body) => (body.campaign.sequence_steps[0]!.subject = `Hi {% render '${secretFile}' %}`),
        'render',
        'campaign.sequence_steps.0.subject',
      ],
      [
        'a layout in the plain-text body',
        (body) =>
          Object.assign(body.campaign.sequence_steps[0]!, { body_text: `{% layout '${relativeToCwd()}' %}text` }),
        'layout',
        'campaign.sequence_steps.0.body_text',
      ],
      [
        'an include inside a {% liquid %} tag',
        (body) => (body.campaign.sequence_steps[0]!.body_html = `{% liquid\n  include '${secretFile}'\n%}`),
        'include',
        'campaign.sequence_steps.0.body_html',
      ],
      [
        'an include in one spintax alternative',
        (body) => (body.campaign.sequence_steps[0]!.body_html = `<p>{Hi|{% include '${secretFile}' %}}</p>`),
        'include',
        'campaign.sequence_steps.0.body_html',
      ],
      [
        'an include in an A/B variant',
        (body) =>
          Object.assign(body.campaign.sequence_steps[0]!, {
            variants: [
              { label: 'A', body_html: '<p>A</p>' },
              { label: 'B', body_html: `<p>{% include '${secretFile}' %}</p>` },
            ],
          }),
        'include',
        'campaign.sequence_steps.0.variants.1.body_html',
      ],
    ];

    it.each(cases)(
      'then %s is a 422 naming the tag and the field, and nothing is created',
      async (_case, adjust, tag, field) => {
        const body = campaignBody(stack.info);
        adjust(body);
        const before = await campaignCount();

        const response = await api.post('/api/v1/campaigns', body).expect(422);

        expect(response.body).toMatchObject({ status: 'error', code: 'validation_failed' });
        expect(response.body.errors).toContain(
          `${field}: the {% ${tag} %} tag is not allowed: templates cannot read files`,
        );
        expect(JSON.stringify(response.body)).not.toContain(MARKER);
        expect(await campaignCount()).toBe(before);
      },
    );
  });

  describe('when a campaign is saved with a template Liquid cannot parse', () => {
    it('then 422 validation_failed names the field and the error, and nothing is created', async () => {
      const body = campaignBody(stack.info);
      body.campaign.sequence_steps[1]!.body_html = '<p>Hi {{ first_name </p>';
      const before = await campaignCount();

      const response = await api.post('/api/v1/campaigns', body).expect(422);

      expect(response.body.code).toBe('validation_failed');
      expect(response.body.errors).toEqual([
        expect.stringMatching(/^campaign\.sequence_steps\.1\.body_html: the template cannot be parsed: .*not closed/),
      ]);
      expect(await campaignCount()).toBe(before);
    });
  });

  describe('when a template is over 100 000 characters', () => {
    it('then 422 validation_failed names the field and the limit', async () => {
      const body = campaignBody(stack.info);
      body.campaign.sequence_steps[0]!.body_html = `<p>${'x'.repeat(100_000)}</p>`;

      const response = await api.post('/api/v1/campaigns', body).expect(422);

      expect(response.body.errors).toEqual([
        expect.stringMatching(/^campaign\.sequence_steps\.0\.body_html: .*100000/),
      ]);
    });
  });

  describe('when a campaign saved before these checks reads a file', () => {
    async function enrolledContact(campaignId: string): Promise<string> {
      const response = await api
        .post(`/api/v1/campaigns/${campaignId}/enroll_contact`, {
          contact: { email: uniqueEmail('sandbox'), first_name: 'Ann' },
        })
        .expect(201);
      return response.body.data.contact_id as string;
    }

    // Liquid reads a name relative to the working directory, where the server keeps its data; a path out of it
    // failed with a 500 before, and must not work either.
    it.each([
      ['an include of a file in the working directory', () => `<p>{% include '${REPO_FILE}' %}</p>`],
      ['a render of a file in the working directory', () => `<p>{% render '${REPO_FILE}' %}</p>`],
      ['an include of an absolute path', () => `<p>{% include '${secretFile}' %}</p>`],
      ['an include of a path with ..', () => `<p>{% include '${relativeToCwd()}' %}</p>`],
    ])('then the preview of %s is a 422 and never shows the file', async (_case, template) => {
      const campaignId = await storedCampaign(template());
      const contactId = await enrolledContact(campaignId);

      const response = await api.get(`/api/v1/campaigns/${campaignId}/preview?contact_id=${contactId}`);

      expect(JSON.stringify(response.body)).not.toContain(MARKER);
      expect(JSON.stringify(response.body)).not.toContain(REPO_FILE_TEXT);
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ status: 'error', code: 'invalid_template' });
      expect(response.body.message).toContain('tag is not allowed: templates cannot read files');
    });

    it('then a test send is a 422, sends nothing, and never shows the file', async () => {
      const campaignId = await storedCampaign(`<p>{% include '${REPO_FILE}' %}</p>`);
      const email = uniqueEmail('sandbox-test');

      const response = await api.post(`/api/v1/campaigns/${campaignId}/test_send`, { emails: [email] });

      expect(JSON.stringify(response.body)).not.toContain(REPO_FILE_TEXT);
      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ status: 'error', code: 'invalid_template' });
      expect(response.body.errors).toEqual([
        'step 1, body_html: the {% include %} tag is not allowed: templates cannot read files',
      ]);
      expect(await messagesTo(stack.info, [email])).toEqual([]);
    });

    it('then dispatch is a 422 and starts nothing', async () => {
      const campaignId = await storedCampaign(`<p>{% include '${secretFile}' %}</p>`);
      await enrolledContact(campaignId);

      const response = await api.post(`/api/v1/campaigns/${campaignId}/dispatch`, {});

      expect(response.status).toBe(422);
      expect(response.body.code).toBe('invalid_template');
      const { enrollments } = await stack.db.repos.leads.page(campaignId, { removed: 'include' }, 0, 100);
      expect(enrollments.filter((enrollment) => enrollment.status !== 'pending')).toHaveLength(0);
    });
  });

  describe('when a stored template does too much work', () => {
    it.each([
      ['a loop over 100 000 000 numbers', '{% for i in (1..100000000) %}<p>{{ i }}</p>{% endfor %}'],
      [
        'an append loop doubling a string',
        '{% assign s = "xxxxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}',
      ],
      [
        'a capture loop doubling a string',
        '{% capture s %}x{% endcapture %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}',
      ],
      ['nested loops of a million steps', '{% for i in (1..1000) %}{% for j in (1..1000) %}.{% endfor %}{% endfor %}'],
      ['a loop printing 500 MB', `{% for i in (1..5000) %}${'x'.repeat(99_000)}{% endfor %}`],
    ])('then the preview of %s is a 422 invalid_template naming the limit', async (_case, template) => {
      const campaignId = await storedCampaign(template);
      const contact = await stack.db.repos.contacts.upsertByEmail(organizationId, {
        email: uniqueEmail('loop'),
        fields: { first_name: 'Bo' },
        timezone: null,
      });

      const response = await api.get(`/api/v1/campaigns/${campaignId}/preview?contact_id=${contact.id}`).expect(422);

      expect(response.body.code).toBe('invalid_template');
      expect(response.body.errors).toEqual([expect.stringMatching(/^step 1, body_html: the template .*limit/)]);
    });

    it('then a test send of a loop over 100 000 000 numbers is a 422 and sends nothing', async () => {
      const campaignId = await storedCampaign('{% for i in (1..100000000) %}{{ i }}{% endfor %}');
      const email = uniqueEmail('loop-test');

      const response = await api.post(`/api/v1/campaigns/${campaignId}/test_send`, { emails: [email] }).expect(422);

      expect(response.body.code).toBe('invalid_template');
      expect(await messagesTo(stack.info, [email])).toEqual([]);
    });
  });
});
