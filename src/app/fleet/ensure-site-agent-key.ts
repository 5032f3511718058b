import { readFile, writeFile, chmod } from 'node:fs/promises';
import type { AppContext } from '../context.js';
import { hashSecret } from '../auth/hash-secret.js';
import { createOperatorKey } from '../tenants/bootstrap-admin.js';

/**
 * The site credential (role `agent`, bound to `site`) of the agent `usine up` runs itself, kept
 * in `file` (mode 0600): reused while the store still honours it, else a new one is made (and
 * audited), so an operator may revoke it and the next start makes another.
 */
export async function ensureSiteAgentKey(ctx: AppContext, site: string, file: string): Promise<void> {
  const known = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (known !== '') {
    const key = await ctx.store.read((tx) => tx.findApiKeyByHash(hashSecret(known)));
    const expired = key?.expiresAt != null && Date.parse(key.expiresAt) <= ctx.clock.now().getTime();
    if (key && key.revokedAt === null && !expired && key.role === 'agent' && key.site === site) return;
  }
  const at = ctx.clock.now().toISOString();
  const { secret } = await ctx.store.transaction((tx) =>
    createOperatorKey(
      ctx,
      tx,
      at,
      { role: 'agent', site },
      {
        project: null,
        site,
        expiresAt: null,
        purpose: 'the agent of usine up',
      },
    ),
  );
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
}
