import { createCampaignSchema, dispatchSchema } from '../../src/http/campaign.schemas';
import { toErrorResponse } from '../../src/http/error-handler';
import { AppError, notFound } from '../../src/domain/errors';

describe('toErrorResponse', () => {
  describe('when given an AppError', () => {
    it.each([
      ['contact_already_enrolled', 422],
      ['campaign_not_found', 404],
      ['unauthorized', 401],
      ['plan_limit_reached', 402],
      ['conflict', 409],
      ['bad_request', 400],
      ['missing_merge_field', 422],
      ['service_unavailable', 503],
    ] as const)('then code %s maps to HTTP %i', (code, status) => {
      const response = toErrorResponse(new AppError(code, 'Something specific happened.'));

      expect(response.status).toBe(status);
      expect(response.body).toEqual({ status: 'error', code, message: 'Something specific happened.' });
    });

    it('then the errors list is included when present', () => {
      const error = new AppError('bad_request', 'Fix these.', { errors: ['a: wrong', 'b: missing'] });

      const { body } = toErrorResponse(error);

      expect(body.errors).toEqual(['a: wrong', 'b: missing']);
    });

    it('then the errors key is absent when there are none', () => {
      const { body } = toErrorResponse(new AppError('conflict', 'Already there.'));

      expect(body).not.toHaveProperty('errors');
    });

    it('then extra details appear as top-level fields of the envelope', () => {
      const error = new AppError('campaign_not_dispatchable', 'The campaign is paused.', {
        extra: { current_state: 'paused', campaign_id: 'c-123' },
      });

      const response = toErrorResponse(error);

      expect(response.status).toBe(422);
      expect(response.body).toEqual({
        status: 'error',
        code: 'campaign_not_dispatchable',
        message: 'The campaign is paused.',
        current_state: 'paused',
        campaign_id: 'c-123',
      });
    });

    it('then a notFound helper error becomes a 404 worded as the reference API ("Enrollment not found")', () => {
      const response = toErrorResponse(notFound('enrollment_not_found', 'Enrollment'));

      expect(response.status).toBe(404);
      expect(response.body.code).toBe('enrollment_not_found');
      expect(response.body.message).toBe('Enrollment not found');
    });
  });

  describe('when given a ZodError from a real schema', () => {
    it('then it becomes 422 validation_failed listing each bad field by its dotted path', () => {
      const parsed = createCampaignSchema.safeParse({ campaign: { name: 'Only a name' } });
      if (parsed.success) throw new Error('expected the body to be invalid');

      const response = toErrorResponse(parsed.error);

      expect(response.status).toBe(422);
      expect(response.body.status).toBe('error');
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^campaign\.smtp_credentials: .+/),
          expect.stringMatching(/^campaign\.sequence_steps: .+/),
        ]),
      );
    });

    it('then array indices appear in the field path', () => {
      const parsed = createCampaignSchema.safeParse({
        campaign: {
          name: 'Campaign',
          smtp_credentials: [
            { smtp_host: 'smtp.example.com', smtp_port: 587, smtp_username: 'u@example.com', smtp_password: 'p' },
          ],
          sequence_steps: [{ subject: 'Hi', body_html: '<p>Hi</p>', delay_minutes: 0 }],
        },
      });
      if (parsed.success) throw new Error('expected the body to be invalid');

      const { body } = toErrorResponse(parsed.error);

      expect(body.errors).toEqual([expect.stringMatching(/^campaign\.sequence_steps\.0\.position: .+/)]);
    });

    it('then an issue about the whole body is reported under "body"', () => {
      const parsed = dispatchSchema.safeParse('not an object');
      if (parsed.success) throw new Error('expected the body to be invalid');

      const { body } = toErrorResponse(parsed.error);

      expect(body.errors).toEqual([expect.stringMatching(/^body: .+/)]);
    });
  });

  describe('when given a body-parser error', () => {
    it('then invalid JSON becomes 400 malformed_json', () => {
      const error = Object.assign(new SyntaxError('Unexpected token } in JSON at position 7'), {
        type: 'entity.parse.failed',
        status: 400,
      });

      const response = toErrorResponse(error);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({
        status: 'error',
        code: 'malformed_json',
        message: 'The request body is not valid JSON.',
      });
    });

    it('then an oversized body becomes 413 payload_too_large', () => {
      const error = Object.assign(new Error('request entity too large'), { type: 'entity.too.large', status: 413 });

      const response = toErrorResponse(error);

      expect(response.status).toBe(413);
      expect(response.body.code).toBe('payload_too_large');
    });
  });

  describe('when a backing service is unreachable', () => {
    it('then an ECONNREFUSED error becomes 503 service_unavailable', () => {
      const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

      const response = toErrorResponse(error);

      expect(response.status).toBe(503);
      expect(response.body.code).toBe('service_unavailable');
      expect(JSON.stringify(response.body)).not.toContain('127.0.0.1');
    });

    it('then a gRPC UNAVAILABLE (code 14) from Temporal becomes 503', () => {
      expect(toErrorResponse(Object.assign(new Error('14 UNAVAILABLE'), { code: 14 })).status).toBe(503);
    });

    it('then a connection failure wrapped as the cause of another error becomes 503', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:7233'), { code: 'ECONNREFUSED' });

      const response = toErrorResponse(new Error('Failed to start workflow', { cause: refused }));

      expect(response.status).toBe(503);
    });

    it('then a terminated Postgres connection becomes 503', () => {
      expect(toErrorResponse(new Error('Connection terminated unexpectedly')).status).toBe(503);
    });
  });

  describe('when given any other error', () => {
    it('then it becomes 500 internal_error without leaking the message', () => {
      const response = toErrorResponse(new Error('secret internal detail'));

      expect(response.status).toBe(500);
      expect(response.body.code).toBe('internal_error');
      expect(JSON.stringify(response.body)).not.toContain('secret internal detail');
    });

    it('then a thrown non-Error value also becomes 500', () => {
      const response = toErrorResponse('db password is hunter2');

      expect(response.status).toBe(500);
      expect(JSON.stringify(response.body)).not.toContain('hunter2');
    });
  });
});
