/** A failure that retrying cannot fix (a missing or unsafe merge field, no mailbox, a deleted step, a 10 MB body). */
export class PermanentSendError extends Error {
  constructor(
    readonly type: 'MissingMergeField' | 'UnsafeMergeField' | 'UnsendableMessage' | 'NoMailbox' | 'StepNotFound',
    message: string,
  ) {
    super(message);
    this.name = 'PermanentSendError';
  }
}

/** Nothing was delivered and a later attempt may succeed (4xx, connection refused, every mailbox disabled). */
export class TransientSendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientSendError';
  }
}
