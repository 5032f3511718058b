import type { ServiceSettings } from '../../domain/spec/service-spec.js';

/**
 * How many replicas a new service starts with: its minimum, and at least one so that it answers
 * from the start (a service that may scale to zero gets there once it has been idle).
 */
export function initialReplicas(service: ServiceSettings): number {
  return Math.min(service.replicas.max, Math.max(1, service.replicas.min));
}
