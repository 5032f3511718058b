import type { AppContext } from '../../app/context.js';
import { recordAgentHeartbeat } from '../../app/fleet/agent-heartbeat.js';
import { claimLaunches } from '../../app/fleet/claim-launches.js';
import { DEFAULT_FLEET_SETTINGS } from '../../app/fleet/fleet-settings.js';
import { listFleetNodes } from '../../app/fleet/list-fleet-nodes.js';
import { registerNode } from '../../app/fleet/register-node.js';
import { reportLaunch } from '../../app/fleet/report-launch.js';
import { shipLaunchLog } from '../../app/fleet/ship-launch-log.js';
import type { LaunchRecord } from '../../app/ports/fleet-store.js';
import {
  ClaimAnswer,
  ClaimBody,
  FleetNodeList,
  HeartbeatAnswer,
  HeartbeatBody,
  LaunchReportAnswer,
  LaunchReportBody,
  LogChunkAnswer,
  LogChunkBody,
  RegisteredNode,
  RegisterNodeBody,
} from '../../api/agent-schemas.js';
import { Problem } from '../../api/schemas.js';
import { parseJsonBody } from '../parse-body.js';
import type { RouteSpec } from '../route-spec.js';

const problems = {
  400: { description: 'Invalid body', schema: Problem },
  401: { description: 'No valid API key', schema: Problem },
  403: { description: 'Not a credential of this site', schema: Problem },
  404: { description: 'No such agent site, node or launch of this agent', schema: Problem },
};

/** The fleet protocol: what `usine agent` calls. Every route needs the site's credential. */
export function listAgentRoutes(ctx: AppContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      url: '/v1/nodes',
      operationId: 'listNodes',
      summary: 'The hosts agents registered: GPUs, state, last heartbeat, the jobs they run',
      tag: 'sites',
      auth: true,
      responses: {
        200: { description: 'Nodes', schema: FleetNodeList },
        401: problems[401],
        403: { description: 'Not allowed for this key', schema: Problem },
      },
      handle: async (_request, _reply, principal) => ({ items: await listFleetNodes(ctx, principal) }),
    },
    {
      method: 'POST',
      url: '/v1/agent/register',
      operationId: 'registerAgentNode',
      summary: 'An agent registers its node and inventory; answers the launches to adopt',
      tag: 'agent',
      auth: true,
      body: RegisterNodeBody,
      responses: {
        200: { description: 'Registered', schema: RegisteredNode },
        ...problems,
        409: { description: 'Another agent serves this node', schema: Problem },
      },
      handle: async (request, _reply, principal) => {
        const body = parseJsonBody(request, RegisterNodeBody);
        const { node, open } = await registerNode(ctx, principal, body);
        const settings = ctx.fleet ?? DEFAULT_FLEET_SETTINGS;
        return {
          site: node.site,
          node: node.name,
          registeredAt: node.registeredAt,
          heartbeatSeconds: settings.heartbeatSeconds,
          graceSeconds: settings.graceSeconds,
          open: open.map(viewLaunch),
        };
      },
    },
    {
      method: 'POST',
      url: '/v1/agent/heartbeat',
      operationId: 'agentHeartbeat',
      summary: 'An agent says its node is alive and which jobs it runs; answers which to stop',
      tag: 'agent',
      auth: true,
      body: HeartbeatBody,
      responses: { 200: { description: 'Recorded', schema: HeartbeatAnswer }, ...problems },
      handle: async (request, _reply, principal) => {
        const { running, ...identity } = parseJsonBody(request, HeartbeatBody);
        return recordAgentHeartbeat(ctx, principal, identity, running);
      },
    },
    {
      method: 'POST',
      url: '/v1/agent/claim',
      operationId: 'claimAgentLaunches',
      summary: 'An agent takes the launches assigned to its node (each is given once)',
      tag: 'agent',
      auth: true,
      body: ClaimBody,
      responses: { 200: { description: 'Claimed launches', schema: ClaimAnswer }, ...problems },
      handle: async (request, _reply, principal) => {
        const { limit, ...identity } = parseJsonBody(request, ClaimBody);
        return { items: (await claimLaunches(ctx, principal, identity, limit)).map(viewLaunch) };
      },
    },
    {
      method: 'POST',
      url: '/v1/agent/launches/:jobId/report',
      operationId: 'reportAgentLaunch',
      summary: 'An agent reports that its launch runs, or how it ended',
      tag: 'agent',
      auth: true,
      body: LaunchReportBody,
      responses: {
        200: { description: 'Applied, or already past', schema: LaunchReportAnswer },
        ...problems,
      },
      handle: async (request, _reply, principal) => {
        const { site, node, agentId, ...report } = parseJsonBody(request, LaunchReportBody);
        const jobId = (request.params as { jobId: string }).jobId;
        return reportLaunch(ctx, principal, { site, node, agentId }, jobId, report);
      },
    },
    {
      method: 'POST',
      url: '/v1/agent/launches/:jobId/logs',
      operationId: 'shipAgentLaunchLog',
      summary: 'An agent ships a chunk of its launch’s output, at its byte offset',
      tag: 'agent',
      auth: true,
      body: LogChunkBody,
      responses: { 200: { description: 'Where the next chunk starts', schema: LogChunkAnswer }, ...problems },
      handle: async (request, _reply, principal) => {
        const { offset, text, ...identity } = parseJsonBody(request, LogChunkBody);
        const jobId = (request.params as { jobId: string }).jobId;
        return { end: await shipLaunchLog(ctx, principal, identity, jobId, offset, text) };
      },
    },
  ];
}

function viewLaunch(launch: LaunchRecord) {
  return {
    jobId: launch.jobId,
    node: launch.node,
    state: launch.state,
    request: launch.request,
    agentHandle: launch.agentHandle,
    cancelRequested: launch.cancelRequestedAt !== null,
    logBytes: launch.logBytes,
  };
}
