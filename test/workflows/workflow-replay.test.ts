import fs from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

/**
 * Histories recorded by the integration tests (`UPDATE_HISTORIES=1 npm test` refreshes them), by workflow. Those named
 * `*-before-<patch>.json` are never refreshed: they keep the runs that began before that patch replaying.
 */
const HISTORIES = path.join(__dirname, 'histories');
const WORKFLOWS = ['enrollment', 'email-validation', 'mailbox-monitor', 'campaign-fanout', 'manual-reply'];

describe('workflow determinism', () => {
  it.each(WORKFLOWS)(
    "when the recorded %s histories are replayed on today's code, then they take the same path",
    async (workflow) => {
      const files = (await fs.readdir(HISTORIES)).filter(
        (file) => file.startsWith(`${workflow}-`) && file.endsWith('.json'),
      );
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const history = historyFromJSON(JSON.parse(await fs.readFile(path.join(HISTORIES, file), 'utf8')));
        // Throws DeterminismViolationError if today's workflow code would take a different path.
        await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, file);
      }
    },
  );
});
