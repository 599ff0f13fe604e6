import fs from 'node:fs';
import path from 'node:path';
import prettier from 'prettier';
import type { MemoryResult } from './memory';
import type { Phase, ProfileName, Sizes } from './options';
import type { ProductResult } from './product';
import type { RealisticResult } from './realistic';
import type { SmtpCeilingResult } from './smtp-ceiling';
import type { TemporalCeilingResult } from './temporal-ceiling';

/** Everything one run measured; written as JSON. */
export interface BenchResult {
  label: string | null;
  profile: ProfileName;
  sizes: Sizes;
  overrides: string[];
  phases: Phase[];
  stack: string;
  commit: string | null;
  machine: { cpus: number; node: string; platform: string };
  started_at: string;
  finished_at: string | null;
  /** 1/5/15-minute load averages before and after each phase: other work on the machine skews every figure. */
  load: Record<string, [number, number, number]>;
  smtp?: SmtpCeilingResult;
  temporal?: TemporalCeilingResult;
  product?: ProductResult;
  memory?: MemoryResult;
  realistic?: RealisticResult;
  errors: Record<string, string>;
}

interface Row {
  figure: string;
  product: string;
  ceiling: string;
  ratio: string;
  target: string;
}

/** The final table: each product figure beside its ceiling from the same run, the ratio, and the target. */
export function renderTable(result: BenchResult): string {
  const { smtp, temporal, product, memory, realistic } = result;
  const rows: Row[] = [];
  const ratio = (a: number | null | undefined, b: number | null | undefined) => (a != null && b ? a / b : null);
  const verdict = (value: number | null, target: string, ok: (value: number) => boolean) =>
    value === null ? target : `${target} ${ok(value) ? 'met' : 'MISSED'}`;
  if (product || temporal) {
    const r = ratio(product?.sends_per_s, temporal?.sends_per_s);
    rows.push(
      row(
        'sends/s vs raw Temporal',
        product?.sends_per_s,
        temporal?.sends_per_s,
        r,
        verdict(r, '≥ 0.7', (v) => v >= 0.7),
      ),
    );
  }
  if (product || smtp)
    rows.push(
      row(
        'sends/s vs raw SMTP (pool)',
        product?.sends_per_s,
        smtp?.pooled.sends_per_s,
        ratio(product?.sends_per_s, smtp?.pooled.sends_per_s),
        '',
      ),
    );
  if (temporal && smtp)
    rows.push(
      row(
        'raw Temporal vs raw SMTP sends/s',
        temporal.sends_per_s,
        smtp.pooled.sends_per_s,
        ratio(temporal.sends_per_s, smtp.pooled.sends_per_s),
        '(engine overhead)',
      ),
    );
  if (product || temporal) {
    const r = ratio(product?.starts_per_s, temporal?.starts_per_s);
    rows.push(
      row(
        'enrollment starts/s vs raw starts',
        product?.starts_per_s,
        temporal?.starts_per_s,
        r,
        verdict(r, '≥ 0.8', (v) => v >= 0.8),
      ),
    );
  }
  if (product) {
    rows.push({
      figure: 'step lateness p50 / p99 (s)',
      product: `${fmt(product.lateness_s.p50)} / ${fmt(product.lateness_s.p99)}`,
      ceiling: '',
      ratio: '',
      target: '',
    });
    rows.push(
      row(`import ${product.import_1000.contacts} contacts (s)`, product.import_1000.elapsed_s, null, null, ''),
    );
  }
  if (memory && memory.points.length > 0) {
    const small = memory.points[0]!;
    const big = memory.points.at(-1)!;
    rows.push(
      row(
        `RSS MB, ${big.sleeping} vs ${small.sleeping} sleeping`,
        big.rss_mb,
        small.rss_mb,
        memory.ratio,
        verdict(memory.ratio, '≤ 1.2', (v) => v <= 1.2),
      ),
    );
  }
  if (realistic) {
    rows.push(
      row(
        `realistic sends in ${realistic.window_s} s vs schedule max`,
        realistic.sends_in_window,
        realistic.schedule_max,
        realistic.ratio,
        verdict(realistic.ratio, '≥ 0.95', (v) => v >= 0.95),
      ),
    );
  }
  if (rows.length === 0) return '(no figures: no phase finished)';
  const header: Row = { figure: 'figure', product: 'product', ceiling: 'ceiling', ratio: 'ratio', target: 'target' };
  const columns = Object.keys(header) as (keyof Row)[];
  const widths = columns.map((column) => Math.max(...[header, ...rows].map((candidate) => candidate[column].length)));
  const line = (candidate: Row) =>
    columns
      .map((column, index) => candidate[column].padEnd(widths[index]!))
      .join(' | ')
      .trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.map(line)].join('\n');
}

/** What ran, in words: the sizes, so a reader of the table knows whether it was --quick, the default or --full. */
export function describeSizes(result: BenchResult): string {
  const s = result.sizes;
  const parts: Record<Phase, string> = {
    smtp: `smtp ${s.smtpMessages} messages`,
    temporal: `temporal ${s.temporalWorkflows} workflows × 3 sends`,
    product: `product ${s.productEnrollments} enrollments × 3 steps on ${s.productMailboxes} mailboxes, import ${s.importContacts}`,
    memory: `memory at ${s.memoryPoints.join(' and ')} sleeping`,
    realistic: `realistic ${s.realisticMailboxes} mailboxes, ${s.realisticEnrollments} enrollments, ${s.realisticWindowSeconds} s window`,
  };
  const overridden = result.overrides.length > 0 ? ` (overridden by ${result.overrides.join(', ')})` : '';
  return `${result.profile} sizes${overridden}: ${result.phases.map((phase) => parts[phase]).join('; ')}`;
}

/**
 * Writes the JSON as Prettier would format it: `prettier --check .` (in `npm run lint`) also sees bench/results/,
 * which only git ignores.
 */
export async function writeResult(file: string, result: BenchResult): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const config = (await prettier.resolveConfig(file)) ?? {};
  fs.writeFileSync(file, await prettier.format(JSON.stringify(result), { ...config, parser: 'json' }));
}

function row(
  figure: string,
  product: number | null | undefined,
  ceiling: number | null | undefined,
  ratio: number | null,
  target: string,
): Row {
  return {
    figure,
    product: fmt(product),
    ceiling: fmt(ceiling),
    ratio: ratio === null ? '' : `${ratio.toFixed(2)}×`,
    target,
  };
}

function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? String(value) : value.toFixed(value >= 100 ? 0 : 2);
}
