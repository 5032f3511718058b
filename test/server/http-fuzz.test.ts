import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzRequest } from '../support/fuzz-requests.js';
import { startFuzzTarget, type FuzzTarget } from '../support/fuzz-world.js';

// a few thousand in the suite; `npm run bench:fuzz` (or USINE_FUZZ_RUNS) sends ten thousand and more
const RUNS = Number(process.env['USINE_FUZZ_RUNS'] ?? 2000);

describe('the HTTP edge under fuzzed requests', () => {
  let target: FuzzTarget;

  beforeAll(async () => {
    target = await startFuzzTarget();
  }, 120_000);

  afterAll(async () => {
    await target?.factory.close();
  });

  it('never answers 5xx, answers every error as problem+json, and a refused request changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest(target.world), async (request) => {
        const { problem } = await target.check(request);
        expect(problem).toBeUndefined();
      }),
      { numRuns: RUNS, seed: Number(process.env['USINE_FUZZ_SEED'] ?? 20261203), endOnFailure: true },
    );
  }, 600_000);
});
