// A generic helper, not domain logic: it lives in src/concurrency.ts, where the adapters may use it too.
export { mapConcurrently } from '../concurrency';
