import { describe, expect, it } from 'vitest';
import {
  canTransition,
  holdsAllocation,
  isCancellable,
  isFinished,
  JOB_STATUSES,
} from '../../src/domain/jobs/lifecycle.js';

describe('the job lifecycle', () => {
  it('follows the happy path queued → placed → admitted → running → succeeded', () => {
    const path = ['queued', 'placed', 'admitted', 'running', 'succeeded'] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('never leaves a finished state', () => {
    for (const done of ['succeeded', 'failed', 'cancelled', 'preempted', 'unplaceable'] as const) {
      expect(isFinished(done)).toBe(true);
      for (const to of JOB_STATUSES) expect(canTransition(done, to)).toBe(false);
    }
  });

  it('cannot skip placement or admission', () => {
    expect(canTransition('queued', 'running')).toBe(false);
    expect(canTransition('placed', 'running')).toBe(false);
  });

  it('is unplaceable from the queue, preempted once admitted or running', () => {
    expect(JOB_STATUSES.filter((s) => canTransition(s, 'unplaceable'))).toEqual(['queued', 'placed']);
    expect(JOB_STATUSES.filter((s) => canTransition(s, 'preempted'))).toEqual(['admitted', 'running']);
  });

  it('holds an allocation only while admitted or running', () => {
    expect(JOB_STATUSES.filter(holdsAllocation)).toEqual(['admitted', 'running']);
  });

  it('can be cancelled until it finishes', () => {
    expect(JOB_STATUSES.filter(isCancellable)).toEqual(['queued', 'placed', 'admitted', 'running']);
  });
});
