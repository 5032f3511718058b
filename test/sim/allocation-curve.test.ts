import { describe, expect, it } from 'vitest';
import { createAllocationCurve } from '../../src/sim/allocation-curve.js';

describe('allocation curve', () => {
  it('averages the allocation of the records at each whole percent of arrived load', () => {
    const curve = createAllocationCurve(1000);
    curve.record(100, 100);
    curve.record(104, 90);
    expect(curve.sampleAt(10)).toBeCloseTo(9.5);
  });

  it('falls back on the neighbouring percents when no record lands on one', () => {
    const curve = createAllocationCurve(1000);
    curve.record(90, 90);
    curve.record(110, 100);
    expect(curve.sampleAt(10)).toBeCloseTo(9.5);
    expect(curve.sampleAt(50)).toBeNaN();
  });
});
