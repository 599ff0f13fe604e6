import { mapConcurrently } from '../../src/concurrency';

describe('mapConcurrently', () => {
  it('when items take different times, then results keep input order and at most `limit` run at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrently([30, 5, 20, 1, 10], 2, async (ms) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running -= 1;
      return ms * 2;
    });

    expect(results).toEqual([60, 10, 40, 2, 20]);
    expect(peak).toBe(2);
  });

  it('when there are no items, then nothing runs', async () => {
    expect(await mapConcurrently([], 4, () => Promise.reject(new Error('never')))).toEqual([]);
  });
});
