/**
 * A failure that retrying cannot fix (a missing or unsafe merge field, a template that cannot render, no mailbox, a
 * deleted step, a 10 MB body).
 */
export class PermanentSendError extends Error {
  constructor(
    readonly type:
      | 'MissingMergeField'
      | 'UnsafeMergeField'
      | 'InvalidTemplate'
      | 'TemplateLimitExceeded'
      | 'UnsendableMessage'
      | 'NoMailbox'
      | 'StepNotFound',
    message: string,
  ) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/**
 * Nothing was delivered and a later attempt may succeed: the recipient's server answered 4xx, or rendering ran out
 * of time on a busy worker. Retried with backoff a bounded number of times; `giveUpType` names the failure then.
 */
export class TransientSendError extends Error {
  constructor(
    message: string,
    readonly giveUpType: 'RecipientDeferred' | 'TemplateTooSlow' = 'RecipientDeferred',
  ) {
    super(message);
    this.name = 'TransientSendError';
  }
}
