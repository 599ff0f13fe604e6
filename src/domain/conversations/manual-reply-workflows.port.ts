/** What the domain needs from Temporal to send an operator's reply durably. */
export interface ManualReplyWorkflowsPort {
  /** Starts the reply's workflow; one already started (or finished) for it counts as success. */
  start(replyId: string): Promise<void>;
}
