import type { SmartleadOperation } from './operation';

/** Email accounts and their warm-up. */
export const emailAccountOperations: readonly SmartleadOperation[] = [];
