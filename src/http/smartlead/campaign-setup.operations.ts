import type { SmartleadOperation } from './operation';

/** Campaign schedule, settings, sequences and email accounts. */
export const campaignSetupOperations: readonly SmartleadOperation[] = [];
