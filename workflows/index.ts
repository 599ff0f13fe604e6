/** Every workflow the worker registers. */
export { enrollmentWorkflow } from './enrollment/workflow';
