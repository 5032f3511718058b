import { describe, expect, it } from 'vitest';
import { decideScale, type ScaleInputs } from '../../src/domain/services/decide-scale.js';

const base: ScaleInputs = {
  settings: { metric: 'inflight', target: 4, scaleDownDelay: 60, scaleToZeroAfter: 300 },
  min: 0,
  max: 10,
  current: 1,
  inflight: 0,
  held: 0,
  rps: 0,
  idleSeconds: 0,
  recent: [],
};

describe('the autoscaling decision', () => {
  it('scales up at once to in-flight requests over the target per replica, within replicas.max', () => {
    expect(decideScale({ ...base, inflight: 50 })).toEqual({ to: 10, wanted: 13, reason: 'load' });
    expect(decideScale({ ...base, inflight: 9 })).toMatchObject({ to: 3, reason: 'load' });
    expect(decideScale({ ...base, inflight: 4 })).toMatchObject({ to: 1, reason: 'steady' });
  });

  it('reads requests per second when the metric is rps', () => {
    const rps = { ...base, settings: { ...base.settings, metric: 'rps' as const, target: 10 } };
    expect(decideScale({ ...rps, rps: 35, inflight: 100 })).toMatchObject({ to: 4, reason: 'load' });
  });

  it('scales down only once every decision of the delay wanted fewer, to the most of them', () => {
    const busy = { ...base, current: 5, inflight: 4 };
    expect(decideScale({ ...busy, recent: [[10, 5]] })).toMatchObject({ to: 5, reason: 'steady' });
    expect(
      decideScale({
        ...busy,
        recent: [
          [10, 3],
          [30, 2],
          [61, 5],
        ],
      }),
    ).toEqual({
      to: 3,
      wanted: 1,
      reason: 'scale-down-delay-passed',
    });
  });

  it('goes to zero only after scaleToZeroAfter without a request, and keeps one until then', () => {
    const quiet = { ...base, current: 2, recent: [[61, 0]] as const };
    expect(decideScale({ ...quiet, idleSeconds: 100 })).toMatchObject({
      to: 1,
      reason: 'scale-down-delay-passed',
    });
    expect(decideScale({ ...quiet, idleSeconds: 300 })).toMatchObject({ to: 0, reason: 'idle' });
    expect(decideScale({ ...quiet, idleSeconds: 300, min: 1 })).toMatchObject({ to: 1 });
  });

  it('starts a replica when requests are held at zero replicas, and never goes to zero while they are', () => {
    expect(decideScale({ ...base, current: 0, held: 1, idleSeconds: 0 })).toEqual({
      to: 1,
      wanted: 1,
      reason: 'held-requests',
    });
    expect(decideScale({ ...base, current: 1, held: 2, idleSeconds: 1000 })).toMatchObject({ to: 1 });
  });
});
