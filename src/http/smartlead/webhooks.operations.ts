import type { SmartleadOperation } from './operation';

/** Webhooks in Smartlead's event names and shapes. */
export const webhookOperations: readonly SmartleadOperation[] = [];
