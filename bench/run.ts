import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from './api-client';
import { measureMemory } from './memory';
import { parseOptions, UsageError, USAGE, type Options, type Phase } from './options';
import { measureProduct } from './product';
import { Aborted, loadAverage, say } from './progress';
import { measureRealistic } from './realistic';
import { describeSizes, renderTable, writeResult, type BenchResult } from './report';
import { measureSmtpCeiling } from './smtp-ceiling';
import { openStack, type Stack } from './stack';
import { measureTemporalCeiling } from './temporal-ceiling';

const BENCH_DIR = __dirname;
const REPO_DIR = path.resolve(BENCH_DIR, '..');

/** `npm run bench`: the ceilings and the product in one run, a table on stdout and the figures as JSON. */
async function main(): Promise<number> {
  let options: Options | null;
  try {
    options = parseOptions(process.argv.slice(2), BENCH_DIR);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }
  const controller = new AbortController();
  let stack: Stack | null = null;
  let created: string[] = [];
  // First Ctrl-C: stop measuring, stop the stack in order, write what was measured. Second: kill and leave.
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      say(`${signal}: stopping (again to kill the stack at once)…`);
      controller.abort();
      return;
    }
    stack?.kill();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Output piped into `head` or a closed terminal must not end the run before it has stopped its stack.
  process.stdout.on('error', () => undefined);

  const result: BenchResult = {
    label: options.label ?? null,
    profile: options.profile,
    sizes: options.sizes,
    overrides: options.overrides,
    phases: options.phases,
    stack: '',
    commit: null,
    machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
    started_at: new Date().toISOString(),
    finished_at: null,
    load: { start: loadAverage() },
    errors: {},
  };
  say(describeSizes(result));
  say(`load average ${result.load.start!.join(', ')} on ${result.machine.cpus} CPUs`);
  try {
    stack = await openStack({
      repoDir: REPO_DIR,
      keepData: options.keepData,
      readyTimeoutSeconds: options.readyTimeoutSeconds,
      signal: controller.signal,
    });
    result.stack = stack.description;
    result.commit = stack.owned ? gitCommit() : null;
    const api = new ApiClient(stack.apiOrigin, stack.apiKey, controller.signal);
    created = api.createdCampaigns;
    for (const phase of options.phases) {
      if (controller.signal.aborted) break;
      say(`== ${phase}`);
      result.load[`${phase}_before`] = loadAverage();
      try {
        await runPhase(phase, { options, stack, api, result, signal: controller.signal });
      } catch (error) {
        if (error instanceof Aborted || controller.signal.aborted) break;
        result.errors[phase] = error instanceof Error ? error.message : String(error);
        say(`${phase} failed: ${result.errors[phase]}`);
      }
      result.load[`${phase}_after`] = loadAverage();
      await writeResult(options.out, result);
    }
  } catch (error) {
    if (!(error instanceof Aborted)) result.errors.stack = error instanceof Error ? error.message : String(error);
  } finally {
    // On a running stack, also after Ctrl-C: the cleanup has its own deadline instead of the run's aborted signal.
    if (stack && !stack.owned && !options.keepData) {
      await deleteCampaigns(new ApiClient(stack.apiOrigin, stack.apiKey, AbortSignal.timeout(120_000)), created);
    }
    await stack?.stop();
  }
  result.finished_at = new Date().toISOString();
  result.load.end = loadAverage();
  await writeResult(options.out, result);
  process.stdout.write(
    `\n${describeSizes(result)}\nload average: start ${result.load.start!.join(', ')}; end ${result.load.end.join(', ')}\n\n${renderTable(result)}\n\n`,
  );
  for (const [phase, message] of Object.entries(result.errors)) process.stdout.write(`${phase} failed: ${message}\n`);
  say(`${controller.signal.aborted ? 'interrupted; partial ' : ''}result written to ${options.out}`);
  return controller.signal.aborted ? 130 : Object.keys(result.errors).length > 0 ? 1 : 0;
}

async function runPhase(
  phase: Phase,
  context: { options: Options; stack: Stack; api: ApiClient; result: BenchResult; signal: AbortSignal },
): Promise<void> {
  const { options, stack, api, result, signal } = context;
  const sizes = options.sizes;
  const runId = runIdentifier();
  switch (phase) {
    case 'smtp':
      result.smtp = await measureSmtpCeiling({
        stack,
        runId,
        messages: sizes.smtpMessages,
        mailboxes: sizes.productMailboxes,
        signal,
      });
      say(
        `smtp: pooled ${result.smtp.pooled.sends_per_s}/s, one connection per message ${result.smtp.per_connection.sends_per_s}/s`,
      );
      return;
    case 'temporal':
      result.temporal = await measureTemporalCeiling({
        stack,
        runId,
        workflows: sizes.temporalWorkflows,
        mailboxes: sizes.productMailboxes,
        signal,
      });
      say(`temporal: ${result.temporal.sends_per_s} sends/s, ${result.temporal.starts_per_s} starts/s`);
      return;
    case 'product':
      result.product = await measureProduct({
        stack,
        api,
        runId,
        enrollments: sizes.productEnrollments,
        mailboxes: sizes.productMailboxes,
        importContacts: sizes.importContacts,
        signal,
      });
      say(
        `product: ${result.product.sends}/${result.product.expected_sends} in ${result.product.elapsed_s} s: ${result.product.sends_per_s} sends/s, ${result.product.starts_per_s ?? '—'} starts/s`,
      );
      return;
    case 'memory':
      result.memory = await measureMemory({
        stack,
        api,
        runId,
        points: sizes.memoryPoints,
        signal,
        onProgress: (partial) => (result.memory = partial),
      });
      return;
    case 'realistic':
      result.realistic = await measureRealistic({
        stack,
        api,
        runId,
        mailboxes: sizes.realisticMailboxes,
        enrollments: sizes.realisticEnrollments,
        windowSeconds: sizes.realisticWindowSeconds,
        signal,
      });
      say(
        `realistic: ${result.realistic.sends_in_window} sends in the window, schedule max ${result.realistic.schedule_max}`,
      );
      return;
  }
}

/** A short id that keeps this run's addresses, mailboxes and task queue apart from any earlier run's. */
function runIdentifier(): string {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`;
}

/** On a running stack: the campaigns this run made are deleted (their sleeping enrollments would send tomorrow). */
async function deleteCampaigns(api: ApiClient, ids: string[]): Promise<void> {
  if (ids.length > 0) say(`deleting the ${ids.length} campaign(s) this run made on the running stack`);
  for (const id of ids) {
    try {
      await api.call('DELETE', `/campaigns/${id}`);
    } catch (error) {
      say(`could not delete campaign ${id}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

main().then(
  // The Temporal runtime keeps native handles open: leave explicitly.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
