import type { AppContext } from '../../app/context.js';
import { requireAllowed } from '../../app/auth/principal.js';
import { summariseSite } from '../../domain/catalog/describe-site.js';
import { FactorySummary } from '../../api/metering-schemas.js';
import { Problem, SiteList } from '../../api/schemas.js';
import { summarizeFactory } from '../../app/summary/summarize-factory.js';
import type { RouteSpec } from '../route-spec.js';

export function listSiteRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/sites',
      operationId: 'listSites',
      summary: 'The sites of the federation: where, who, certifications, capacity and live use',
      tag: 'sites',
      auth: true,
      responses: {
        200: { description: 'Sites', schema: SiteList },
        401: { description: 'No valid API key', schema: Problem },
      },
      handle: async (_request, _reply, principal) => {
        requireAllowed(principal, 'site.read');
        return { items: await describeSites(ctx) };
      },
    },
    {
      method: 'GET',
      url: '/v1/summary',
      operationId: 'getSummary',
      summary: "What `usine top` shows: jobs by state and site, this month's spend against budgets",
      tag: 'sites',
      auth: true,
      responses: {
        200: {
          description: "The operator's whole factory, or the caller's tenant's share",
          schema: FactorySummary,
        },
        401: { description: 'No valid API key', schema: Problem },
        403: { description: 'A site credential', schema: Problem },
      },
      handle: async (_request, _reply, principal) => summarizeFactory(ctx, principal),
    },
  ];
}

/** Each site with its GPUs (the backend's inventory when it runs here) and what jobs hold. */
export async function describeSites(ctx: AppContext) {
  const allocated = await ctx.store.transaction((tx) => tx.listAllocatedJobs());
  const now = ctx.clock.now();
  return Promise.all(
    ctx.catalog.sites.map(async (site) => {
      const summary = summariseSite(site, ctx.catalog, now);
      const executor = ctx.executors.get(site.name);
      const devices = executor ? await executor.inventory() : [];
      const [nodes, api] = await Promise.all([
        executor?.describeNodes ? executor.describeNodes().catch(() => undefined) : undefined,
        executor?.describeApi ? executor.describeApi() : undefined,
      ]);
      const gpus: Record<string, number> = {};
      if (devices.length > 0) for (const d of devices) gpus[d.model] = (gpus[d.model] ?? 0) + 1;
      const total =
        devices.length > 0 ? devices.length : Object.values(summary.gpus).reduce((a, b) => a + b, 0);
      const held = allocated
        .filter((j) => j.allocation?.site === site.name)
        .reduce((sum, j) => sum + (j.allocation?.nodes ?? []).reduce((s, n) => s + n.milliGpus, 0) / 1000, 0);
      return {
        name: site.name,
        provider: site.provider,
        country: site.country,
        backend: site.backend.type,
        running: executor !== undefined,
        virtual: devices.some((d) => d.virtual) || executor?.capabilities.simulated === true,
        gpus: devices.length > 0 ? gpus : summary.gpus,
        gpusAllocated: held,
        gpusFree: Math.max(0, total - held),
        ...(nodes ? { nodes: nodes.map((n) => ({ ...n, gpus: { ...n.gpus } })) } : {}),
        ...(api ? { api: { ...api, offered: [...api.offered], spoken: [...api.spoken] } } : {}),
        certifications: summary.certifications.map((c) => ({ ...c })),
      };
    }),
  );
}
