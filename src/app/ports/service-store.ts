import type { JobRecord } from './records.js';

export type ServiceState = 'active' | 'deleted';

/** A Service as stored: its current revision's spec and the replicas it wants. */
export interface ServiceRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly project: string;
  readonly name: string;
  readonly revision: number;
  readonly document: unknown;
  readonly requestHash: string;
  readonly desiredReplicas: number;
  readonly replicaSeq: number;
  readonly state: ServiceState;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly deletedAt: string | null;
}

/** A Service the gateway routes to: the record with its tenant's name (the URL's first part). */
export interface RoutedService extends ServiceRecord {
  readonly tenantName: string;
}

export interface ServiceEventRecord {
  readonly serviceId: string;
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly data: unknown;
}

/** Tokens counted by a gateway for one service, one calling key and one minute. */
export interface TokenUsageRow {
  readonly serviceId: string;
  readonly tenantId: string;
  /** '' for a public endpoint. */
  readonly keyId: string;
  /** The minute's first instant (RFC 3339). */
  readonly minute: string;
  readonly requests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
}

export type TokenTotals = Pick<TokenUsageRow, 'keyId' | 'requests' | 'promptTokens' | 'completionTokens'>;

export type CreateServiceResult =
  | { readonly outcome: 'created'; readonly service: ServiceRecord }
  | { readonly outcome: 'exists'; readonly service: ServiceRecord };

/** Services, their revisions and events, and their replicas (jobs labelled `usine.dev/service`). */
export interface ServiceStoreTx {
  /** Inserts the service unless its tenant has a live one of that name: then that one. */
  createService(service: Omit<ServiceRecord, 'replicaSeq' | 'deletedAt'>): Promise<CreateServiceResult>;
  getService(tenantId: string, name: string): Promise<ServiceRecord | undefined>;
  getServiceById(id: string): Promise<ServiceRecord | undefined>;
  /** A live service by its tenant's name and its own, for the gateway. */
  findRoutedService(tenantName: string, name: string): Promise<RoutedService | undefined>;
  /** A tenant's live services, by name; one project's when given. */
  listServices(tenantId: string, project?: string): Promise<ServiceRecord[]>;
  /** Every live service (the controller's pass). */
  listActiveServices(): Promise<RoutedService[]>;
  /** Sets the desired count if the service is live; undefined otherwise. */
  setDesiredReplicas(id: string, replicas: number, at: string): Promise<ServiceRecord | undefined>;
  /** Makes `document` the service's next revision; undefined when it is not live. */
  reviseService(
    id: string,
    document: unknown,
    requestHash: string,
    at: string,
  ): Promise<ServiceRecord | undefined>;
  /** Makes an earlier revision's spec current again (its number too); undefined when not live. */
  rollBackService(id: string, revision: number, at: string): Promise<ServiceRecord | undefined>;
  /** Takes the next replica number (1, 2, …): the idempotency key of the replica it names. */
  takeReplicaNumber(id: string): Promise<number>;
  /** Marks it deleted (its name free again); undefined when it was not live. */
  deleteService(id: string, at: string): Promise<ServiceRecord | undefined>;
  appendServiceEvent(serviceId: string, at: string, type: string, data: unknown): Promise<void>;
  /** The latest events first. */
  listServiceEvents(serviceId: string, limit: number): Promise<ServiceEventRecord[]>;
  /** The service's replicas that have not finished, oldest first. */
  listLiveReplicas(serviceId: string): Promise<JobRecord[]>;
  /** Adds the counts to what is stored for each (service, key, minute). */
  addTokenUsage(rows: readonly TokenUsageRow[]): Promise<void>;
  /** A service's metered tokens, per calling key. */
  sumTokenUsage(serviceId: string): Promise<TokenTotals[]>;
  /** Where the agent said the replica of `jobId` listens; null when not (yet) known. */
  getLaunchEndpoint(jobId: string): Promise<string | null>;
}
