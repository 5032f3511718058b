/** How the control plane expects its agents to keep in touch. */
export interface FleetSettings {
  /** How often an agent heartbeats (it is told at registration). */
  readonly heartbeatSeconds: number;
  /** A node silent for longer is unreachable: its launches are lost, its GPUs leave the inventory. */
  readonly graceSeconds: number;
}

export const DEFAULT_FLEET_SETTINGS: FleetSettings = { heartbeatSeconds: 5, graceSeconds: 60 };
