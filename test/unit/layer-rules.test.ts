import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * The layer rules of eslint.config.mjs catch a violation. Each probe lints a real file of a layer with its text
 * replaced by one import (ESLint reads the text given; the file on disk is untouched), so the probe keeps the file's
 * place on the layer map. ESLint loads its ES-module config by dynamic import, which Jest's VM cannot, so the
 * probes run in one Node process of their own (the config and the TypeScript project are loaded once).
 */
const root = path.resolve(__dirname, '../..');

interface Probe {
  file: string;
  text: string;
}

const PROBES = {
  domainToTemporal: {
    file: 'src/domain/campaigns/send-forecast.ts',
    text: "export { TemporalEnrollmentWorkflows } from '../../temporal/enrollment-workflows';",
  },
  repositoryToDomain: {
    file: 'src/db/repositories/stats.repository.ts',
    text: "export { forecastSends } from '../../domain/campaigns/send-forecast';",
  },
  httpToRepository: { file: 'src/http/list.operations.ts', text: "export { Database } from '../db/repositories';" },
  workflowToBuiltin: { file: 'workflows/enrollment/workflow.ts', text: "export { readFileSync } from 'fs';" },
  workflowToApplication: {
    file: 'workflows/enrollment/workflow.ts',
    text: "export { Database } from '../../src/db/repositories';",
  },
  domainWithinLayer: {
    file: 'src/domain/campaigns/send-forecast.ts',
    text: "export { dayBounds } from '../delivery/sending-day';",
  },
} satisfies Record<string, Probe>;

const LINT_PROBES = `
  import { ESLint } from 'eslint';
  const probes = JSON.parse(process.argv[1]);
  const eslint = new ESLint({ cwd: process.cwd() });
  const results = {};
  for (const [name, probe] of Object.entries(probes)) {
    const [result] = await eslint.lintText(probe.text + '\\n', { filePath: probe.file });
    results[name] = result.messages.map((message) => message.ruleId);
  }
  process.stdout.write(JSON.stringify(results));
`;

describe('layers are enforced by lint', () => {
  let rules: Record<keyof typeof PROBES, (string | null)[]>;

  beforeAll(async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', LINT_PROBES, JSON.stringify(PROBES)],
      { cwd: root, maxBuffer: 10_000_000 },
    );
    rules = JSON.parse(stdout) as typeof rules;
  }, 120_000);

  it('when the domain imports a Temporal adapter, then boundaries/dependencies reports it', () => {
    expect(rules.domainToTemporal).toContain('boundaries/dependencies');
  });

  it('when a repository imports the domain, then boundaries/dependencies reports it', () => {
    expect(rules.repositoryToDomain).toContain('boundaries/dependencies');
  });

  it('when an HTTP operation imports a repository, then boundaries/dependencies reports it', () => {
    expect(rules.httpToRepository).toContain('boundaries/dependencies');
  });

  it('when a workflow imports a Node built-in or application code, then no-restricted-imports reports each', () => {
    expect(rules.workflowToBuiltin).toContain('no-restricted-imports');
    expect(rules.workflowToApplication).toContain('no-restricted-imports');
  });

  it('when the domain imports what its layer allows, then nothing is reported', () => {
    expect(rules.domainWithinLayer).toEqual([]);
  });
});
