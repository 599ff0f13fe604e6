import fs from 'node:fs/promises';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';

const HISTORIES = path.join(__dirname, 'histories');

describe('enrollment workflow determinism', () => {
  it('replays every recorded history without a nondeterminism error', async () => {
    const files = (await fs.readdir(HISTORIES)).filter(
      (file) => file.startsWith('enrollment-') && file.endsWith('.json'),
    );
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(await fs.readFile(path.join(HISTORIES, file), 'utf8')));
      // Throws DeterminismViolationError if today's workflow code would take a different path.
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, file);
    }
  });
});
