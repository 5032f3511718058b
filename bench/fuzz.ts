// HTTP fuzz run: N fuzzed requests (the generator of test/server/http-fuzz.test.ts) against a
// real server on PGlite; counts the answers by status and every failure (a 5xx, an error that
// is not problem+json, a refused request that changed the store), grouped by what failed.
// Env: BENCH_FUZZ_RUNS (12000), BENCH_FUZZ_SEED (random). The last line is one JSON object.
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { fuzzRequest } from '../test/support/fuzz-requests.js';
import { startFuzzTarget } from '../test/support/fuzz-world.js';

const runs = Number(process.env['BENCH_FUZZ_RUNS'] ?? 12_000);
const seed = Number(process.env['BENCH_FUZZ_SEED'] ?? Date.now() % 2 ** 31);
const target = await startFuzzTarget();
const byStatus: Record<string, number> = {};
const failures: Record<string, { count: number; example: string }> = {};
const started = performance.now();
let sent = 0;
for (const request of fc.sample(fuzzRequest(target.world), { numRuns: runs, seed })) {
  let problem: string | undefined;
  try {
    const checked = await target.check(request);
    sent += 1;
    byStatus[checked.answer.status] = (byStatus[checked.answer.status] ?? 0) + 1;
    problem = checked.problem;
  } catch (error) {
    problem = `no answer: ${(error as Error).message}`;
  }
  if (problem) {
    const kind = problem.slice(0, 60);
    const entry = (failures[kind] ??= { count: 0, example: '' });
    entry.count += 1;
    entry.example ||= `${problem}\n    ${request.method} ${request.path} ${JSON.stringify(request.headers)} ${JSON.stringify(request.body ?? null).slice(0, 300)}`;
  }
}
const seconds = (performance.now() - started) / 1000;
await target.factory.close();
for (const [kind, f] of Object.entries(failures)) console.log(`${f.count} × ${kind}\n  ${f.example}`);
const failed = Object.values(failures).reduce((s, f) => s + f.count, 0);
console.log(`${sent} requests in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)}/s), seed ${seed}`);
console.log(`statuses: ${JSON.stringify(byStatus)}`);
console.log(
  JSON.stringify({
    requests: sent,
    failed,
    fiveHundreds: Object.entries(byStatus)
      .filter(([s]) => Number(s) >= 500)
      .reduce((s, [, n]) => s + n, 0),
    seconds: Number(seconds.toFixed(1)),
    seed,
    byStatus,
  }),
);
