/** Every workflow the worker registers. */
export { enrollmentWorkflow } from './enrollment/workflow';
export { emailValidationWorkflow } from './email-validation/workflow';
export { mailboxMonitorWorkflow } from './mailbox-monitor/workflow';
export { campaignFanoutWorkflow } from './campaign-fanout/workflow';
export { messageResendWorkflow } from './message-resend/workflow';
export { manualReplyWorkflow } from './manual-reply/workflow';
export { webhookDeliveryWorkflow } from './webhook-delivery/workflow';
