/** Error codes the HTTP layer maps to status codes; every domain failure carries one. */
export type ErrorCode =
  | 'bad_request'
  | 'malformed_json'
  | 'unauthorized'
  | 'plan_limit_reached'
  | 'not_found'
  | 'campaign_not_found'
  | 'contact_not_found'
  | 'enrollment_not_found'
  | 'list_not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unsupported_media_type'
  | 'validation_failed'
  | 'contact_already_enrolled'
  | 'no_pending_enrollments'
  | 'campaign_not_dispatchable'
  | 'campaign_not_active'
  | 'campaign_not_paused'
  | 'campaign_not_evergreen'
  | 'campaign_not_schedulable'
  | 'campaign_has_no_list'
  | 'all_credentials_at_limit'
  | 'contact_import_not_found'
  | 'credential_not_found'
  | 'outreach_not_found'
  | 'block_list_entry_not_found'
  | 'enrollment_not_started'
  | 'message_not_found'
  | 'message_not_unknown'
  | 'message_not_resendable'
  | 'missing_merge_field'
  | 'invalid_merge_field'
  | 'invalid_template'
  | 'service_unavailable'
  | 'internal_error'
  | 'route_not_found';

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
