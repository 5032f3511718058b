import { describe, expect, it } from 'vitest';
import { matchesLabels, parseLabelSelector } from '../../src/domain/jobs/label-selector.js';

const select = (text: string) => {
  const result = parseLabelSelector(text);
  if (!result.ok) throw new Error(result.message);
  return result.requirements;
};

describe('label selectors', () => {
  it('reads kubectl’s forms: =, ==, !=, in, notin, exists and !exists', () => {
    expect(select('tier=gold, team==vision,env!=prod,zone in (a, b),gpu notin (t4),spot,!debug')).toEqual([
      { key: 'tier', op: 'in', values: ['gold'] },
      { key: 'team', op: 'in', values: ['vision'] },
      { key: 'env', op: 'notin', values: ['prod'] },
      { key: 'zone', op: 'in', values: ['a', 'b'] },
      { key: 'gpu', op: 'notin', values: ['t4'] },
      { key: 'spot', op: 'exists' },
      { key: 'debug', op: 'absent' },
    ]);
  });

  it('ANDs the requirements; != matches a job without the label, as kubectl does', () => {
    const labels = { tier: 'gold', team: 'vision' };
    expect(matchesLabels(labels, select('tier=gold,team=vision'))).toBe(true);
    expect(matchesLabels(labels, select('tier=gold,team=ops'))).toBe(false);
    expect(matchesLabels(labels, select('env!=prod'))).toBe(true);
    expect(matchesLabels(labels, select('tier notin (gold)'))).toBe(false);
    expect(matchesLabels(labels, select('!team'))).toBe(false);
  });

  it('says how to write a requirement it cannot read', () => {
    const result = parseLabelSelector('tier=gold,zone in (a');
    expect(result).toEqual({
      ok: false,
      message: expect.stringMatching(/^cannot read `zone in \(a`: write key=value/),
    });
    expect(parseLabelSelector('zone in (a,,b)')).toMatchObject({ ok: false });
  });
});
