import { describe, expect, it } from 'vitest';
import { ACTIONS, ANONYMOUS, isAllowed, requireSite, type Principal } from '../../src/app/auth/principal.js';
import { ROLES, type Role } from '../../src/app/ports/records.js';

const principal = (role: Role, overrides: Partial<Principal> = {}): Principal => ({
  keyId: `key_${role}`,
  role,
  tenantId: role === 'admin' || role === 'agent' || role === 'metering' ? null : 'ten_a',
  project: null,
  site: role === 'agent' || role === 'metering' ? 'paris-1' : null,
  ...overrides,
});

const grantsOf = (role: Role) => ACTIONS.filter((action) => isAllowed(principal(role), action));

describe('roles and their actions', () => {
  it('gives an agent key agent work and nothing else', () => {
    expect(grantsOf('agent')).toEqual(['agent.work']);
  });

  it('gives a metering key the writing of usage and nothing else', () => {
    expect(grantsOf('metering')).toEqual(['usage.write']);
  });

  it('gives agent work to agent keys only, and usage writing to the operator and metering keys only', () => {
    expect(ROLES.filter((role) => isAllowed(principal(role), 'agent.work'))).toEqual(['agent']);
    expect(ROLES.filter((role) => isAllowed(principal(role), 'usage.write'))).toEqual(['admin', 'metering']);
  });

  it('keeps site credentials to the operator: only admin creates them', () => {
    expect(ROLES.filter((role) => isAllowed(principal(role), 'site-key.create'))).toEqual(['admin']);
  });

  it('lets a site credential act for its own site only', () => {
    expect(() => requireSite(principal('agent'), 'agent.work', 'paris-1')).not.toThrow();
    expect(() => requireSite(principal('agent'), 'agent.work', 'lyon-2')).toThrow(
      /acts for site paris-1, not lyon-2/,
    );
    expect(() => requireSite(principal('metering'), 'agent.work', 'paris-1')).toThrow(/site credential/);
    expect(() => requireSite(principal('admin'), 'agent.work', 'paris-1')).toThrow(/may not agent.work/);
  });

  it('allows the principal of anonymous routes no action at all', () => {
    expect(ACTIONS.filter((action) => isAllowed(ANONYMOUS, action))).toEqual([]);
  });
});
