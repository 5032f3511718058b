import { hostname } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { Agent } from '../agent/run-agent.js';
import type { AppContext } from '../app/context.js';
import { ensureSiteAgentKey } from '../app/fleet/ensure-site-agent-key.js';

/**
 * `usine up` keeps its two-command promise: each `local` site of the catalog gets an agent in
 * this process, talking to this server over HTTP like any other (one code path), with the
 * catalog's GPUs declared as virtual when nvidia-smi finds none. A site whose node another agent
 * already serves is left to that agent, with a warning.
 */
export async function startEmbeddedAgents(
  ctx: AppContext,
  options: { url: string; dataDir: string; version: string; log: FastifyBaseLogger },
): Promise<Agent[]> {
  const agents: Agent[] = [];
  for (const site of ctx.catalog.sites.filter((s) => s.backend.type === 'local')) {
    const workDir = join(options.dataDir, 'sites', site.name);
    const tokenFile = join(options.dataDir, `agent-${site.name}.key`);
    await ensureSiteAgentKey(ctx, site.name, tokenFile);
    const agent = new Agent({
      server: options.url,
      tokenFile,
      site: site.name,
      node: hostname() || 'local',
      workDir,
      version: options.version,
      virtualGpus: site.capacity.map((row) => ({
        model: row.gpuModel,
        memoryGiB: row.gpuMemoryGiB,
        count: row.gpusPerNode * row.nodes,
      })),
      log: (line) => options.log.info(line),
    });
    try {
      await agent.start();
      agents.push(agent);
    } catch (error) {
      options.log.warn(
        { site: site.name },
        `no agent of this process for site ${site.name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  return agents;
}
