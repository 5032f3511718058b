// Console benchmark: what a browser downloads and how soon the console answers, in Debian's
// Chromium against a real factory (embedded store, a local site run by its agent).
// 1. Bundle: the built console's JavaScript and CSS, gzipped (level 9), for the first load (what
//    index.html names) and in all (the Submit page's validator and the Costs page's chart are
//    chunks loaded with those pages). Target: JavaScript ≤ 250 kB gzipped.
// 2. First load to interactive: a fresh browser context (empty cache) opens `/`; the time, on the
//    page's own clock from navigation start, until the sign-in field is there and enabled. Then a
//    signed-in load (the key in session storage, as after a reload): until the jobs table is drawn.
//    Target: ≤ 1 s on localhost.
// 3. Live logs: a job on the local site prints BENCH_LOG_RATE lines a second for BENCH_LOG_S
//    seconds, then a line with its clock; the job's page follows it; the lag is the time from that
//    last line's printing to its drawing in the page (same machine, same clock).
// Env: BENCH_LOADS (10), BENCH_JOBS (200 jobs in the list), BENCH_LOG_RATE (1000), BENCH_LOG_S (5).
// The last line is one JSON object.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { jobYaml, startConsoleWorld, submitJob, type ConsoleWorld } from '../test/console/console-fixture.js';

const LOADS = Number(process.env.BENCH_LOADS ?? 10);
const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const LOG_RATE = Number(process.env.BENCH_LOG_RATE ?? 1000);
const LOG_SECONDS = Number(process.env.BENCH_LOG_S ?? 5);

function measureBundle(dir: string) {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const assets = readdirSync(join(dir, 'assets')).map((name) => {
    const bytes = readFileSync(join(dir, 'assets', name));
    return {
      name,
      bytes: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      first: html.includes(name),
    };
  });
  const kB = (n: number) => Math.round(n / 100) / 10;
  const sum = (list: typeof assets) => list.reduce((n, a) => n + a.gzip, 0);
  const js = assets.filter((a) => a.name.endsWith('.js'));
  for (const a of assets)
    console.log(
      `  ${a.name.padEnd(36)} ${String(kB(a.bytes)).padStart(7)} kB  gzip ${String(kB(a.gzip)).padStart(6)} kB${a.first ? '  (first load)' : ''}`,
    );
  return {
    jsGzipKB: kB(sum(js)),
    firstLoadJsGzipKB: kB(sum(js.filter((a) => a.first))),
    cssGzipKB: kB(sum(assets.filter((a) => a.name.endsWith('.css')))),
  };
}

/** The key in session storage before the page runs, as the console keeps it after a sign-in. */
const keepKeyScript = (key: string) => `sessionStorage.setItem('usine.apiKey', ${JSON.stringify(key)})`;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const worst = (values: number[]) => Math.max(...values);

async function timeLoad(world: ConsoleWorld, path: string, selector: string, key?: string): Promise<number> {
  const context = await world.browser.newContext();
  if (key) await context.addInitScript({ content: keepKeyScript(key) });
  const page = await context.newPage();
  await page.goto(new URL(path, world.factory.url).href);
  await page.waitForSelector(selector, { state: 'visible' });
  const ms = await page.evaluate(() => performance.now());
  await context.close();
  return ms;
}

async function measureLogs(world: ConsoleWorld) {
  const perTick = Math.max(1, Math.round(LOG_RATE / 10));
  const ticks = LOG_SECONDS * 10;
  const script = `let t = 0; const h = setInterval(() => { for (let i = 0; i < ${perTick}; i++) console.log('line ' + t + '.' + i + ' ' + 'x'.repeat(40)); if (++t === ${ticks}) { clearInterval(h); console.log('END ' + Date.now()); } }, 100);`;
  const id = await submitJob(
    world,
    jobYaml('bench-logs', JSON.stringify(['node', '-e', script])),
    `bench-logs-${Date.now()}`,
  );
  const context = await world.browser.newContext();
  await context.addInitScript({ content: keepKeyScript(world.ownerKey) });
  const page = await context.newPage();
  await page.goto(new URL(`/jobs/${id}`, world.factory.url).href);
  const logs = page.getByTestId('logs');
  // a function, not a string: a string would be evaluated in the page, which its CSP forbids
  await page.waitForFunction(
    () => {
      const doc = (
        globalThis as unknown as {
          document: { querySelector(s: string): { textContent: string | null } | null };
        }
      ).document;
      return doc.querySelector('[data-testid=logs]')?.textContent?.includes('END ') ?? false;
    },
    undefined,
    { timeout: (LOG_SECONDS + 60) * 1000, polling: 'raf' },
  );
  const seenAt = Date.now();
  const text = (await logs.textContent()) ?? '';
  const printedAt = Number(/END (\d+)/.exec(text)?.[1]);
  const lines = text.split('\n').filter((l) => l.startsWith('line ')).length;
  await context.close();
  return { lines, expectedLines: perTick * ticks, lagMs: seenAt - printedAt };
}

const world = await startConsoleWorld();
try {
  console.log('bundle (built from web/ now):');
  const bundle = measureBundle(world.consoleDir);
  console.log(
    `JavaScript: ${bundle.jsGzipKB} kB gzipped in all, ${bundle.firstLoadJsGzipKB} kB at first load (target ≤ 250 kB)`,
  );
  for (let i = 0; i < JOBS; i++)
    await submitJob(world, jobYaml(`listed-${i}`, '["true"]'), `listed-${i}-${Date.now()}`);
  await timeLoad(world, '/', '#api-key'); // the server's and the browser's first time
  const cold: number[] = [];
  const signedIn: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    cold.push(await timeLoad(world, '/', '#api-key:enabled'));
    signedIn.push(await timeLoad(world, '/jobs', '[data-testid=jobs] tbody tr', world.ownerKey));
  }
  console.log(
    `first load to the sign-in form: median ${median(cold).toFixed(0)} ms, worst ${worst(cold).toFixed(0)} ms (${LOADS} cold loads; target ≤ 1000 ms)`,
  );
  console.log(
    `signed-in load to the jobs table (${JOBS} jobs, 50 a page): median ${median(signedIn).toFixed(0)} ms, worst ${worst(signedIn).toFixed(0)} ms`,
  );
  const logs = await measureLogs(world);
  console.log(
    `live logs: ${logs.lines} of ${logs.expectedLines} lines at ${LOG_RATE}/s drawn; the last one ${logs.lagMs} ms after it was printed`,
  );
  console.log(
    JSON.stringify({
      bench: 'console',
      ...bundle,
      firstLoadMedianMs: Math.round(median(cold)),
      firstLoadWorstMs: Math.round(worst(cold)),
      signedInLoadMedianMs: Math.round(median(signedIn)),
      signedInLoadWorstMs: Math.round(worst(signedIn)),
      jobsListed: JOBS,
      logLinesPerSecond: LOG_RATE,
      logLines: logs.lines,
      logLinesExpected: logs.expectedLines,
      logLagMs: logs.lagMs,
    }),
  );
} finally {
  await world.close();
}
