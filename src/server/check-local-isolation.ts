import type { Site } from '../domain/catalog/catalog.js';
import type { JobIsolation } from '../executors/local/job-isolation.js';
import { StartRefused } from './start-refused.js';

/**
 * A local site whose jobs run as the runner's own user (it is not root) can keep no tenant from
 * another's files or processes: it is fit for one tenant only. A site that lists several tenants
 * is refused; one that lists none is started with a notice (returned) so the operator knows.
 */
export function checkLocalIsolation(site: Site, isolation: JobIsolation): string | undefined {
  if (isolation.runAs === 'job-user') return undefined;
  const uid = process.getuid?.() ?? -1;
  const tenants = site.tenants ?? [];
  if (tenants.length > 1) {
    throw new StartRefused(
      `site ${site.name} is shared by ${tenants.length} tenants (${tenants.map((t) => t.name).join(', ')}) ` +
        `but its jobs would all run as this process's user (uid ${uid}) and could read each other's files: ` +
        'run Usine as root so that each job runs as a user of its own, or list one tenant under tenants:',
    );
  }
  const who = tenants[0] === undefined ? '' : ` (tenant ${tenants[0].name} only)`;
  return (
    `site ${site.name}: jobs run as this user (uid ${uid}), not as users of their own (that needs root): ` +
    `fit for a single tenant${who}`
  );
}
