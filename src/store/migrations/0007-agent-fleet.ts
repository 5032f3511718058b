import type { Migration } from './migration.js';

export const migration0007: Migration = {
  id: 7,
  name: 'agent fleet: nodes, launches (one per job), shipped job logs',
  sql: `
-- A host running \`usine agent\`, as it registered: its inventory and when it last heartbeat.
CREATE TABLE nodes (
  site               text NOT NULL,
  name               text NOT NULL,
  -- [{index, uuid, model, memoryGiB, powerLimitW, virtual}]
  gpus               jsonb NOT NULL DEFAULT '[]',
  cpus               integer NOT NULL CHECK (cpus >= 0),
  memory_mib         bigint NOT NULL CHECK (memory_mib >= 0),
  agent_id           text NOT NULL,
  agent_version      text NOT NULL,
  registered_at      timestamptz NOT NULL,
  last_heartbeat_at  timestamptz NOT NULL,
  state              text NOT NULL CHECK (state IN ('ready', 'unreachable')),
  PRIMARY KEY (site, name)
);

-- What the control plane asked an agent to run. The primary key on the job is the
-- exactly-once anchor: a job is assigned to one node once, whoever asks again.
CREATE TABLE launches (
  job_id               text PRIMARY KEY,
  site                 text NOT NULL,
  node                 text NOT NULL,
  -- the LaunchRequest: command, env, allocation, limits
  request              jsonb NOT NULL,
  state                text NOT NULL CHECK (state IN
                         ('assigned', 'claimed', 'running', 'succeeded', 'failed', 'cancelled', 'lost')),
  exit_code            integer,
  reason               text,
  -- the agent (its own id, kept in its work dir) that claimed it, and the runner's handle there
  agent_id             text,
  agent_handle         text,
  cancel_requested_at  timestamptz,
  assigned_at          timestamptz NOT NULL,
  claimed_at           timestamptz,
  started_at           timestamptz,
  finished_at          timestamptz,
  updated_at           timestamptz NOT NULL,
  FOREIGN KEY (site, node) REFERENCES nodes (site, name),
  -- claimed and running launches name their agent; an assigned one has none yet
  CHECK (state <> 'assigned' OR agent_id IS NULL),
  CHECK (state NOT IN ('claimed', 'running') OR agent_id IS NOT NULL)
);
-- an agent's claims and its open launches
CREATE INDEX launches_node_state ON launches (site, node, state, assigned_at, job_id);

-- A job's output as its agent shipped it: byte ranges, contiguous from 0, so it survives the
-- host and any replica can serve it.
CREATE TABLE launch_logs (
  job_id      text NOT NULL REFERENCES launches (job_id),
  byte_offset bigint NOT NULL CHECK (byte_offset >= 0),
  data        bytea NOT NULL CHECK (length(data) > 0),
  PRIMARY KEY (job_id, byte_offset)
);
CREATE TRIGGER launch_logs_append_only BEFORE UPDATE OR DELETE ON launch_logs
  FOR EACH ROW EXECUTE FUNCTION usine_refuse_change();
`,
};
