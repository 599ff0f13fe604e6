import type { ErrorCode } from '../../domain/errors';

/**
 * Every error code, when it is answered and an example of its message, for the OpenAPI document. A `Record` over
 * `ErrorCode`, so a new code does not compile until it is documented here.
 */
export const ERROR_CODES: Record<ErrorCode, { when: string; message: string; extra?: Record<string, unknown> }> = {
  bad_request: {
    when:
      'the request could not be read: a corrupt body, JSON nested more than 64 levels deep, a CSV upload cut off ' +
      'before its end, or a path that is not valid percent-encoding.',
    message: 'request aborted',
  },
  malformed_json: { when: 'the body is not valid JSON.', message: 'The request body is not valid JSON.' },
  unauthorized: {
    when: 'no API key, or an unknown or revoked one.',
    message: 'Unauthorized: Invalid API Key or Organization not found',
  },
  plan_limit_reached: {
    when: "the organization's monthly sending limit would be passed.",
    message:
      'Your plan allows 10000 sends a month and 10000 were sent this month; dispatch again next month or raise the plan limit.',
  },
  not_found: { when: 'the resource does not exist.', message: 'API key not found' },
  route_not_found: {
    when: 'no route has this method and path.',
    message: 'No route for GET /api/v1/campaign; see the README for the API reference.',
  },
  campaign_not_found: {
    when: 'no campaign with this id in your organization.',
    message: 'Campaign not found',
  },
  contact_not_found: { when: 'no contact with this id in your organization.', message: 'Contact not found' },
  enrollment_not_found: {
    when: 'no enrollment with this id in this campaign.',
    message: 'Enrollment not found',
  },
  list_not_found: { when: 'no list with this uuid in your organization.', message: 'List not found' },
  conflict: {
    when: 'the change would clash with existing data.',
    message: 'Another contact of your organization already has the email ada@example.com.',
  },
  payload_too_large: {
    when: 'the body is over the size limit (5 MB of JSON, 200 MB of CSV).',
    message: 'The request body is too large.',
  },
  rate_limited: {
    when: 'this API key made too many requests in the current window; wait `Retry-After` seconds.',
    message: 'Too many requests: this API key may make 10 request(s) every 2 s; retry after 2 s.',
  },
  unsupported_media_type: {
    when: 'the body has an unsupported charset or content encoding.',
    message: 'unsupported charset "LATIN-2"',
  },
  validation_failed: {
    when: 'a field of the body or query is missing or invalid; `errors` lists each one.',
    message: 'Validation failed: fix the listed fields and try again.',
    extra: { errors: ['campaign.name: Too small: expected string to have >=1 characters'] },
  },
  contact_already_enrolled: {
    when: 'the contact is already enrolled in this campaign.',
    message: 'Contact 0b9e2cf1-5c1d-4f5e-9a57-3d0f4d1a2b3c is already enrolled in this campaign.',
  },
  no_pending_enrollments: {
    when: 'there is nothing to dispatch.',
    message: 'There are no pending enrollments to dispatch; enroll contacts first.',
  },
  campaign_not_dispatchable: {
    when: 'the campaign is finished, or has no step or no mailbox.',
    message: 'The campaign is completed; create a new one to send.',
    extra: { current_state: 'completed' },
  },
  campaign_not_active: {
    when: 'only an active campaign can be paused.',
    message: 'Only an active campaign can be paused; this one is paused.',
    extra: { current_state: 'paused' },
  },
  campaign_not_paused: {
    when: 'only a paused campaign can be resumed.',
    message: 'Only a paused campaign can be resumed; this one is active.',
    extra: { current_state: 'active' },
  },
  campaign_not_evergreen: {
    when: 'only evergreen campaigns take new contacts this way.',
    message: 'Only evergreen campaigns can schedule new contacts. Please create an evergreen campaign.',
    extra: { current_state: 'active', evergreen: false },
  },
  campaign_not_schedulable: {
    when: 'the evergreen campaign is paused or finished.',
    message: 'The campaign is paused; it takes no new contacts.',
    extra: { current_state: 'paused', evergreen: true },
  },
  campaign_has_no_list: {
    when: 'the evergreen campaign has no list to add the contacts to.',
    message: 'Campaign must have at least one associated list; create it with list_uuids.',
    extra: { current_state: 'active', evergreen: true },
  },
  all_credentials_at_limit: {
    when: 'every mailbox of the campaign is disabled or at its daily limit.',
    message:
      'Every SMTP credential of the campaign is disabled or has reached its daily_limit today; dispatch again tomorrow, re-enable a credential or add one.',
  },
  contact_import_not_found: {
    when: 'no list with this uuid in your organization.',
    message: 'Contact import not found',
  },
  credential_not_found: { when: 'no such mailbox in this campaign.', message: 'Credential not found' },
  outreach_not_found: { when: 'no outreach with this id in your organization.', message: 'Outreach not found' },
  block_list_entry_not_found: {
    when: 'no block list entry with this id in your organization.',
    message: 'Block list entry not found',
  },
  enrollment_not_started: {
    when: 'the enrollment has not been dispatched yet.',
    message:
      'The enrollment has not been dispatched yet, so it cannot be paused; dispatch its batch first, or stop it.',
    extra: { current_state: 'pending' },
  },
  message_not_found: {
    when: 'this step of the enrollment has no message (it was never sent), or the path names no step position.',
    message: 'Step 2 of this enrollment has no message.',
  },
  message_not_unknown: {
    when: 'only a message whose outcome is `unknown` can be resent or marked sent (`current_state` tells its status).',
    message: 'Only a message whose outcome is unknown can be resent; this one is sent.',
    extra: { current_state: 'sent' },
  },
  message_not_resendable: {
    when: 'someone asked to stop since the send: the contact unsubscribed, replied or bounced, or the campaign or enrollment was stopped or paused.',
    message: 'The message cannot be resent: the contact is unsubscribed.',
    extra: { current_state: 'unknown' },
  },
  missing_merge_field: {
    when: 'contacts lack a merge field a step uses without a fallback; `errors` names each contact and field.',
    message:
      '1 contact(s) lack merge fields the campaign\'s steps use without a fallback; add the fields to the contacts or give the merge tags a fallback such as {{ first_name | default: "there" }}.',
    extra: {
      errors: ['contact ada@example.com (0b9e2cf1-5c1d-4f5e-9a57-3d0f4d1a2b3c): step 1 needs "first_name"'],
    },
  },
  invalid_merge_field: {
    when: 'a merge value holds a line break or NUL; `errors` names each contact and field.',
    message:
      "1 contact(s) have merge fields the campaign's steps cannot use (a value with a line break or NUL, or a missing value without a fallback); correct the contacts listed and dispatch again.",
    extra: {
      errors: [
        'contact ada@example.com (0b9e2cf1-5c1d-4f5e-9a57-3d0f4d1a2b3c): "first_name" (used by step 1) contains a line break or NUL character',
      ],
    },
  },
  invalid_template: {
    when:
      "a step's subject or body cannot be rendered: it reads files or does not parse (saved before templates were " +
      'checked), or it exceeds a rendering limit; `errors` names each step and part.',
    message:
      'A step template cannot be rendered (step 1, body_html: the {% include %} tag is not allowed: templates ' +
      'cannot read files); create the campaign again with the template corrected: templates cannot read files and ' +
      'must stay within the limits documented for sequence_steps.',
    extra: { errors: ['step 1, body_html: the {% include %} tag is not allowed: templates cannot read files'] },
  },
  service_unavailable: {
    when: 'Postgres or Temporal is unreachable; retry shortly.',
    message: 'A backing service (Postgres or Temporal) is unreachable; try again shortly.',
  },
  internal_error: {
    when: 'a bug on our side; it has been logged with the request id.',
    message: 'Something went wrong on our side; it has been logged.',
  },
};
