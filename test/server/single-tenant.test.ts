import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_CATALOG } from './factory-fixture.js';
import { runUsineProcess } from '../support/spawn-usine.js';

// As root, `usine up` is run as an unprivileged uid through setpriv; run as another user, as itself.
const isRoot = process.getuid?.() === 0;
const asUid = isRoot ? 61_500 : undefined;
const runnerUid = asUid ?? process.getuid?.() ?? -1;

const SHARED_LOCAL = TEST_CATALOG.replace(
  'backend: { type: local }',
  'backend: { type: local }\n  tenants: [{ name: acme, quota: { L40S: 1 } }, { name: globex, quota: { L40S: 1 } }]',
);

/** A real `usine up` takes tens of seconds to start on a loaded machine. */
const SLOW_START_MS = 240_000;

describe('a local site whose jobs run as the runner’s own user (not root)', () => {
  let base: string;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'usine-single-'));
    await chmod(base, 0o755);
    await writeFile(join(base, 'one.yaml'), TEST_CATALOG, { mode: 0o644 });
    await writeFile(join(base, 'shared.yaml'), SHARED_LOCAL, { mode: 0o644 });
    for (const name of ['data-one', 'data-shared']) {
      await mkdir(join(base, name), { mode: 0o700 });
      if (asUid !== undefined) await chown(join(base, name), asUid, asUid);
    }
  });
  afterAll(() => rm(base, { recursive: true, force: true }));

  const up = (dataDir: string, catalog: string) =>
    runUsineProcess(
      [
        'up',
        '--port',
        '0',
        '--data-dir',
        join(base, dataDir),
        '--catalog',
        join(base, catalog),
        '--log-level',
        'error',
      ],
      { ...(asUid === undefined ? {} : { asUid }), stopWhen: /Stop: Ctrl-C/ },
    );

  it(
    'starts, saying at start that the site is fit for a single tenant',
    async () => {
      const result = await up('data-one', 'one.yaml');
      expect(result.stdout, result.stderr).toContain(
        `note:    site local: jobs run as this user (uid ${runnerUid}), not as users of their own (that needs root): fit for a single tenant`,
      );
    },
    SLOW_START_MS,
  );

  it(
    'refuses to start a site shared by several tenants, saying why and what to do',
    async () => {
      const result = await up('data-shared', 'shared.yaml');
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `usine: site local is shared by 2 tenants (acme, globex) but its jobs would all run as this process's user ` +
          `(uid ${runnerUid}) and could read each other's files: run Usine as root so that each job runs as a user ` +
          'of its own, or list one tenant under tenants:\n',
      );
      expect(result.stdout).not.toMatch(/is up at/);
    },
    SLOW_START_MS,
  );
});
