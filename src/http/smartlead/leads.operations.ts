import type { SmartleadOperation } from './operation';

/** Leads of campaigns, the block list, message history, replies and the export. */
export const leadOperations: readonly SmartleadOperation[] = [];
