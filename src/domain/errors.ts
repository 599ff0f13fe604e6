/** What the API answers for one error code, and what its OpenAPI document says about it. */
export interface ErrorSpec {
  /** The HTTP status the error handler answers with; the OpenAPI document groups an operation's codes by it. */
  status: number;
  /** When the code is answered, completing "`code`: …" in the OpenAPI response description. */
  when: string;
  /** An example `message`, for the OpenAPI examples. */
  example: string;
  /** Fields the answer adds beside `message` (such as `errors` or `current_state`), with example values. */
  exampleExtra?: Record<string, unknown>;
}

/**
 * Every error code, declared once: its HTTP status, when it is answered and an example answer. The error handler
 * reads the statuses and the OpenAPI document the rest, so a new code does not compile until it has a status and
 * is documented.
 *
 * It lives in the domain, not the HTTP layer, because `ErrorCode` is derived from it and the domain's `AppError`
 * carries one; the domain must not import from the HTTP layer (which imports the domain), so the table sits here
 * and the HTTP layer reads it.
 */
export const ERRORS = {
  bad_request: {
    status: 400,
    when:
      'the request could not be read: a corrupt body, JSON nested more than 64 levels deep, a CSV upload cut off ' +
      'before its end, or a path that is not valid percent-encoding.',
    example: 'request aborted',
  },
  malformed_json: {
    status: 400,
    when: 'the body is not valid JSON.',
    example: 'The request body is not valid JSON.',
  },
  unauthorized: {
    status: 401,
    when: 'no API key, or an unknown or revoked one.',
    example: 'Unauthorized: Invalid API Key or Organization not found',
  },
  plan_limit_reached: {
    status: 402,
    when: "the organization's monthly sending limit would be passed.",
    example:
      'Your plan allows 10000 sends a month and 10000 were sent this month; dispatch again next month or raise the plan limit.',
  },
  not_found: {
    status: 404,
    when: 'the resource does not exist.',
    example: 'API key not found',
  },
  route_not_found: {
    status: 404,
    when: 'no route has this method and path.',
    example: 'No route for GET /api/v1/campaign; see the README for the API reference.',
  },
  campaign_not_found: {
    status: 404,
    when: 'no campaign with this id in your organization.',
    example: 'Campaign not found',
  },
  step_not_found: {
    status: 404,
    when: "the campaign's sequence has no step at this position.",
    example: 'Step not found',
  },
  contact_not_found: {
    status: 404,
    when: 'no contact with this id in your organization.',
    example: 'Contact not found',
  },
  enrollment_not_found: {
    status: 404,
    when: 'no enrollment with this id in this campaign.',
    example: 'Enrollment not found',
  },
  list_not_found: {
    status: 404,
    when: 'no list with this uuid in your organization.',
    example: 'List not found',
  },
  conflict: {
    status: 409,
    when: 'the change would clash with existing data.',
    example: 'Another contact of your organization already has the email ada@example.com.',
  },
  payload_too_large: {
    status: 413,
    when: 'the body is over the size limit (5 MB of JSON, 200 MB of CSV).',
    example: 'The request body is too large.',
  },
  rate_limited: {
    status: 429,
    when: 'this API key made too many requests in the current window; wait `Retry-After` seconds.',
    example: 'Too many requests: this API key may make 10 request(s) every 2 s; retry after 2 s.',
  },
  unsupported_media_type: {
    status: 415,
    when: 'the body has an unsupported charset or content encoding.',
    example: 'unsupported charset "LATIN-2"',
  },
  validation_failed: {
    status: 422,
    when: 'a field of the body or query is missing or invalid; `errors` lists each one.',
    example: 'Validation failed: fix the listed fields and try again.',
    exampleExtra: { errors: ['campaign.name: Too small: expected string to have >=1 characters'] },
  },
  contact_already_enrolled: {
    status: 422,
    when: 'the contact is already enrolled in this campaign.',
    example: 'Contact 0b9e2cf1-5c1d-4f5e-9a57-3d0f4d1a2b3c is already enrolled in this campaign.',
  },
  no_pending_enrollments: {
    status: 422,
    when: 'there is nothing to dispatch.',
    example: 'There are no pending enrollments to dispatch; enroll contacts first.',
  },
  campaign_not_dispatchable: {
    status: 422,
    when: 'the campaign is paused, stopped or archived, or has no step or no mailbox.',
    example: 'The campaign is stopped; create a new one to send.',
    exampleExtra: { current_state: 'stopped' },
  },
  campaign_not_active: {
    status: 422,
    when: 'only an active campaign can be paused.',
    example: 'Only an active campaign can be paused; this one is paused.',
    exampleExtra: { current_state: 'paused' },
  },
  campaign_not_paused: {
    status: 422,
    when: 'only a paused campaign can be resumed.',
    example: 'Only a paused campaign can be resumed; this one is active.',
    exampleExtra: { current_state: 'active' },
  },
  campaign_not_evergreen: {
    status: 422,
    when: 'only evergreen campaigns take new contacts this way.',
    example: 'Only evergreen campaigns can schedule new contacts. Please create an evergreen campaign.',
    exampleExtra: { current_state: 'active', evergreen: false },
  },
  campaign_not_stoppable: {
    status: 422,
    when: 'only a pending, active or paused campaign can be stopped (a completed or archived one sends nothing).',
    example: 'The campaign is completed; only a pending, active or paused campaign can be stopped.',
    exampleExtra: { current_state: 'completed' },
  },
  campaign_not_archivable: {
    status: 422,
    when: 'only a pending, completed or stopped campaign can be archived: stop a running one first.',
    example: 'The campaign is active; stop it first (only a pending, completed or stopped campaign can be archived).',
    exampleExtra: { current_state: 'active' },
  },
  campaign_not_schedulable: {
    status: 422,
    when: 'the evergreen campaign is paused or finished.',
    example: 'The campaign is paused; it takes no new contacts.',
    exampleExtra: { current_state: 'paused', evergreen: true },
  },
  campaign_has_no_list: {
    status: 422,
    when: 'the evergreen campaign has no list to add the contacts to.',
    example: 'Campaign must have at least one associated list; create it with list_uuids.',
    exampleExtra: { current_state: 'active', evergreen: true },
  },
  all_credentials_at_limit: {
    status: 422,
    when: 'every mailbox of the campaign is disabled or at its daily limit.',
    example:
      'Every SMTP credential of the campaign is disabled or has reached its daily_limit today; dispatch again tomorrow, re-enable a credential or add one.',
  },
  contact_import_not_found: {
    status: 404,
    when: 'no list with this uuid in your organization.',
    example: 'Contact import not found',
  },
  mailbox_not_found: {
    status: 404,
    when: 'no mailbox with this id in your organization.',
    example: 'Mailbox not found',
  },
  credential_not_found: {
    status: 404,
    when: 'no such mailbox in this campaign.',
    example: 'Credential not found',
  },
  outreach_not_found: {
    status: 404,
    when: 'no outreach with this id in your organization.',
    example: 'Outreach not found',
  },
  block_list_entry_not_found: {
    status: 404,
    when: 'no block list entry with this id in your organization.',
    example: 'Block list entry not found',
  },
  webhook_not_found: {
    status: 404,
    when: 'no webhook endpoint with this id in your organization.',
    example: 'Webhook not found',
  },
  webhook_delivery_not_found: {
    status: 404,
    when: 'no delivery with this id for this webhook endpoint.',
    example: 'Webhook delivery not found',
  },
  webhook_delivery_not_retryable: {
    status: 422,
    when: 'only a failed or pending delivery can be sent again; a delivered one reached the endpoint already.',
    example:
      'This delivery reached the endpoint already (delivered); only a failed or pending delivery can be sent again.',
    exampleExtra: { current_state: 'delivered' },
  },
  enrollment_not_started: {
    status: 422,
    when: 'the enrollment has not been dispatched yet.',
    example:
      'The enrollment has not been dispatched yet, so it cannot be paused; dispatch its batch first, or stop it.',
    exampleExtra: { current_state: 'pending' },
  },
  message_not_found: {
    status: 404,
    when: 'this step of the enrollment has no message (it was never sent), or the path names no step position.',
    example: 'Step 2 of this enrollment has no message.',
  },
  message_not_unknown: {
    status: 422,
    when: 'only a message whose outcome is `unknown` can be resent or marked sent (`current_state` tells its status).',
    example: 'Only a message whose outcome is unknown can be resent; this one is sent.',
    exampleExtra: { current_state: 'sent' },
  },
  message_not_resendable: {
    status: 422,
    when: 'someone asked to stop since the send: the contact unsubscribed, replied or bounced, or the campaign or enrollment was stopped or paused.',
    example: 'The message cannot be resent: the contact is unsubscribed.',
    exampleExtra: { current_state: 'unknown' },
  },
  recipient_unreachable: {
    status: 409,
    when:
      'the contact may no longer be written to: unsubscribed, bounced or complained (everywhere or in this ' +
      'campaign), or on the block list.',
    example: 'No reply can be sent: the contact is unsubscribed.',
  },
  conversation_not_started: {
    status: 409,
    when: 'no message of the enrollment has reached the contact yet: there is no conversation to reply in.',
    example: 'No message of this enrollment has reached the contact yet: there is nothing to reply to.',
  },
  mailbox_cannot_send: {
    status: 409,
    when: 'the mailbox of the conversation is disabled or in error (or was deleted).',
    example:
      'No reply can be sent: the mailbox sam@sender.example is in error (535 5.7.8 Authentication failed). Fix or ' +
      're-enable the mailbox, then reply again.',
  },
  idempotency_key_reused: {
    status: 409,
    when: 'the `Idempotency-Key` was already used on this enrollment for a reply with another subject or body.',
    example:
      'This Idempotency-Key was already used for another reply on this enrollment; use a new key for a new reply.',
  },
  missing_merge_field: {
    status: 422,
    when: 'contacts lack a merge field a step uses without a fallback; `errors` names each contact and field.',
    example:
      '1 contact(s) lack merge fields the campaign\'s steps use without a fallback; add the fields to the contacts or give the merge tags a fallback such as {{ first_name | default: "there" }}.',
    exampleExtra: {
      errors: ['contact ada@example.com (0b9e2cf1-5c1d-4f5e-9a57-3d0f4d1a2b3c): step 1 needs "first_name"'],
    },
  },
  invalid_merge_field: {
    status: 422,
    when: 'a merge value holds a line break or NUL; `errors` names each contact and field.',
    example:
      "1 contact(s) have merge fields the campaign's steps cannot use (a value with a line break or NUL, or a missing value without a fallback); correct the contacts listed and dispatch again.",
    exampleExtra: {
      errors: [
        'contact ada@example.com (0b9e2cf1-5c1d-4f5e-9a57-3d0f4d1a2b3c): "first_name" (used by step 1) contains a line break or NUL character',
      ],
    },
  },
  invalid_template: {
    status: 422,
    when:
      "a step's subject or body cannot be rendered: it reads files or does not parse (saved before templates were " +
      'checked), or it exceeds a rendering limit; `errors` names each step and part.',
    example:
      'A step template cannot be rendered (step 1, body_html: the {% include %} tag is not allowed: templates ' +
      'cannot read files); create the campaign again with the template corrected: templates cannot read files and ' +
      'must stay within the limits documented for sequence_steps.',
    exampleExtra: { errors: ['step 1, body_html: the {% include %} tag is not allowed: templates cannot read files'] },
  },
  service_unavailable: {
    status: 503,
    when: 'Postgres or Temporal is unreachable; retry shortly.',
    example: 'A backing service (Postgres or Temporal) is unreachable; try again shortly.',
  },
  internal_error: {
    status: 500,
    when: 'a bug on our side; it has been logged with the request id.',
    example: 'Something went wrong on our side; it has been logged.',
  },
} as const satisfies Record<string, ErrorSpec>;

/** Error codes the HTTP layer maps to status codes; every domain failure carries one. */
export type ErrorCode = keyof typeof ERRORS;

/** One code's entry of `ERRORS`, typed as an `ErrorSpec` (so `exampleExtra` reads as optional for any code). */
export const errorSpec = (code: ErrorCode): ErrorSpec => ERRORS[code];

/** A failure the caller can act on: a snake_case code, a sentence saying how to fix it, and optional details. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { errors?: string[]; extra?: Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** `Campaign not found`, `List not found`…: the reference API's wording; another organization's resource too. */
export const notFound = (code: Extract<ErrorCode, `${string}not_found`>, what: string): AppError =>
  new AppError(code, `${what} not found`);
