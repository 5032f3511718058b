import { REVISION_LABEL, SERVICE_LABEL } from '../../domain/jobs/labels.js';

/**
 * The job document of one replica: the service's spec with the labels that tie the job to the
 * service and its revision, so placement, admission, launch and metering treat it as any job.
 */
export function buildReplicaDocument(serviceDocument: unknown, serviceId: string, revision: number): unknown {
  const document = serviceDocument as { metadata?: { labels?: Record<string, string> } };
  return {
    ...document,
    metadata: {
      ...document.metadata,
      labels: {
        ...document.metadata?.labels,
        [SERVICE_LABEL]: serviceId,
        [REVISION_LABEL]: String(revision),
      },
    },
  };
}
