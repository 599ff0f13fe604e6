/** Stops what the global setup started, in reverse order. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.__SEQUENCER_STACK__?.run('tests finished');
}
