import fs from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

const HISTORIES = path.join(__dirname, 'histories');

describe('email validation workflow determinism', () => {
  it("when a recorded history is replayed on today's code, then it takes the same path (no nondeterminism)", async () => {
    const files = (await fs.readdir(HISTORIES)).filter(
      (file) => file.startsWith('email-validation-') && file.endsWith('.json'),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(await fs.readFile(path.join(HISTORIES, file), 'utf8')));
      // Throws DeterminismViolationError if today's workflow code would take a different path.
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, file);
    }
  });
});
