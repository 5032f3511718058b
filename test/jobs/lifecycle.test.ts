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
    for (const done of ['succeeded', 'failed', 'cancelled'] as const) {
      expect(isFinished(done)).toBe(true);
      for (const to of JOB_STATUSES) expect(canTransition(done, to)).toBe(false);
    }
  });

  it('cannot skip placement or admission', () => {
    expect(canTransition('queued', 'running')).toBe(false);
    expect(canTransition('placed', 'running')).toBe(false);
  });

  it('lets an unplaceable job be queued again when the federation changes', () => {
    expect(canTransition('unplaceable', 'queued')).toBe(true);
  });

  it('lets a preempted job return to the queue', () => {
    expect(canTransition('running', 'preempted')).toBe(true);
    expect(canTransition('preempted', 'queued')).toBe(true);
  });

  it('holds an allocation only while admitted or running', () => {
    expect(JOB_STATUSES.filter(holdsAllocation)).toEqual(['admitted', 'running']);
  });

  it('can be cancelled until it finishes', () => {
    expect(JOB_STATUSES.filter(isCancellable)).toEqual([
      'queued',
      'placed',
      'admitted',
      'running',
      'unplaceable',
    ]);
  });
});
