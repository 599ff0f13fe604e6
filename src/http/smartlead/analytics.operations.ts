import type { SmartleadOperation } from './operation';

/** Statistics and analytics. */
export const analyticsOperations: readonly SmartleadOperation[] = [];
