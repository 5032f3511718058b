import { describe, expect, it } from 'vitest';
import type { JobView } from '../../src/api/schemas.js';
import { mapPeerJob } from '../../src/executors/peer/peer-executor.js';

const URL_B = 'http://127.0.0.1:7001';

function peerJob(status: string, extra: Partial<JobView> = {}): JobView {
  return {
    id: 'job_b1',
    status,
    site: 'local',
    reason: null,
    exitCode: null,
    startedAt: null,
    finishedAt: null,
    placement: null,
    labels: {},
    ...extra,
  } as unknown as JobView;
}

describe("a peer job's status, as the origin's execution status", () => {
  it.each([
    ['queued', 'pending'],
    ['placed', 'pending'],
    ['admitted', 'pending'],
    ['running', 'running'],
    ['succeeded', 'succeeded'],
    ['cancelled', 'cancelled'],
    ['failed', 'failed'],
    ['unplaceable', 'failed'],
    ['preempted', 'failed'],
  ])('%s at the peer is %s here', (status, state) => {
    expect(mapPeerJob(peerJob(status), URL_B).state).toBe(state);
  });

  it('says where a preempted job was preempted, and why (the peer ends it there)', () => {
    const status = mapPeerJob(peerJob('preempted', { reason: 'preempted to make room for job_b2' }), URL_B);
    expect(status.reason).toBe(
      `preempted at peer ${URL_B} (job job_b1 on local): preempted to make room for job_b2`,
    );
  });

  it("carries the peer's placement explanation when it has one", () => {
    const placement = { decision: { site: 'local' } };
    expect(mapPeerJob(peerJob('running', { placement }), URL_B).remotePlacement).toEqual({
      by: URL_B,
      job: 'job_b1',
      site: 'local',
      placement,
    });
    expect(mapPeerJob(peerJob('queued'), URL_B).remotePlacement).toBeUndefined();
  });
});
