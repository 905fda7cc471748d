// The pure authorization policy: its invariants over every identity × action × owner (fast-check), the reach of a
// listing against the one-by-one decisions, and the few decisions that read best as examples. The route-level table lives in test/app/authorization-matrix.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIONS, authorize, listReach, reaches, type Action, type ActionRule, type Identity } from '../../src/auth/policy.js';
import { ROLES, SITE_NAMING } from '../../src/auth/roles.js';

const actions = Object.keys(ACTIONS) as Action[];
const sites = ['site-1', 'site-2'];
const identity = fc.record({
  role: fc.constantFrom(...ROLES),
  site: fc.constantFrom(null, ...sites),
  siteState: fc.constantFrom('active' as const, 'revoked' as const, 'unknown' as const),
  // A machine token, a person's session, or one whose first password is not changed yet.
  session: fc.constantFrom(undefined, { restricted: false }, { restricted: true }),
}).map(({ session, ...i }): Identity => ({ ...i, siteState: i.site === null ? null : i.siteState, ...(session ? { session } : {}) }));
const owner = fc.constantFrom(null, ...sites);

/** Asks as the access plugin does: first without the resource, then with its owner when the policy asks for it. */
function decide(who: Identity, action: Action, resourceOwner: string | null) {
  const first = authorize(who, action);
  return first.kind === 'needs-owner' ? authorize(who, action, { owner: resourceOwner }) : first;
}

describe('authorize', () => {
  it('refuses without a token, and a role/site combination no token may carry, as unauthenticated', () => {
    expect(authorize(null, 'session.read')).toMatchObject({ kind: 'deny', code: 'UNAUTHENTICATED' });
    expect(authorize({ role: 'operator', site: 'site-1', siteState: 'active' }, 'draw.unseal')).toMatchObject({ kind: 'deny', code: 'UNAUTHENTICATED' });
    expect(authorize({ role: 'site', site: null, siteState: null }, 'session.read')).toMatchObject({ kind: 'deny', code: 'UNAUTHENTICATED' });
  });

  it('lets a revoked or unknown site reach nothing, not even its session', () => {
    for (const siteState of ['revoked', 'unknown'] as const) {
      expect(authorize({ role: 'site', site: 'site-1', siteState }, 'session.read')).toMatchObject({ kind: 'deny', code: 'FORBIDDEN' });
    }
  });

  it('asks for the owner only when the answer depends on it', () => {
    expect(authorize({ role: 'operator', site: null, siteState: null }, 'draw.run').kind).toBe('allow');
    expect(authorize({ role: 'site', site: 'site-1', siteState: 'active' }, 'draw.run')).toEqual({ kind: 'needs-owner', resource: 'project' });
    // A centre desk checks in the centre's projects only: its answer depends on the owner too.
    expect(authorize({ role: 'checkin', site: null, siteState: null }, 'checkin')).toEqual({ kind: 'needs-owner', resource: 'project' });
    expect(authorize({ role: 'checkin', site: null, siteState: null }, 'checkin', { owner: 'site-1' })).toMatchObject({ kind: 'deny', code: 'FORBIDDEN' });
  });

  it('never lets a token that names a site reach another owner’s resource, or anything while its site is not active', () => {
    fc.assert(
      fc.property(identity, fc.constantFrom(...actions), owner, (who, action, resourceOwner) => {
        const d = decide(who, action, resourceOwner);
        if (d.kind !== 'allow' || who.site === null) return;
        expect(who.siteState).toBe('active');
        if (ACTIONS[action].resource !== null) expect(resourceOwner).toBe(who.site);
      }),
      { numRuns: 2000, seed: 9 },
    );
  });

  it('allows only the action’s roles, and only role/site combinations a token may carry', () => {
    fc.assert(
      fc.property(identity, fc.constantFrom(...actions), owner, (who, action, resourceOwner) => {
        const d = decide(who, action, resourceOwner);
        if (d.kind !== 'allow') return;
        expect(ACTIONS[action].roles as readonly string[]).toContain(who.role);
        if (SITE_NAMING[who.role] === 'must') expect(who.site).not.toBeNull();
        if (SITE_NAMING[who.role] === 'never') expect(who.site).toBeNull();
      }),
      { numRuns: 2000, seed: 10 },
    );
  });

  it('lets only people take people’s actions, and a session with a first password only the session actions', () => {
    fc.assert(
      fc.property(identity, fc.constantFrom(...actions), owner, (who, action, resourceOwner) => {
        const d = decide(who, action, resourceOwner);
        const rule: ActionRule = ACTIONS[action];
        if (d.kind === 'allow' && rule.people) expect(who.session).toBeDefined();
        if (d.kind === 'allow' && who.session?.restricted) expect(rule.whileRestricted).toBe(true);
        if (d.kind === 'deny' && d.code === 'PASSWORD_CHANGE_REQUIRED') expect(who.session?.restricted).toBe(true);
      }),
      { numRuns: 2000, seed: 12 },
    );
    expect(authorize({ role: 'operator', site: null, siteState: null }, 'draw.unseal')).toMatchObject({ kind: 'deny', code: 'FORBIDDEN' });
    expect(authorize({ role: 'operator', site: null, siteState: null, session: { restricted: false } }, 'draw.unseal').kind).toBe('allow');
    expect(authorize({ role: 'operator', site: null, siteState: null, session: { restricted: true } }, 'draw.run')).toMatchObject({ kind: 'deny', code: 'PASSWORD_CHANGE_REQUIRED' });
    expect(authorize({ role: 'operator', site: null, siteState: null, session: { restricted: true } }, 'session.password').kind).toBe('allow');
  });

  it('answers the second question with allow or deny, never by asking again', () => {
    fc.assert(
      fc.property(identity, fc.constantFrom(...actions), owner, (who, action, resourceOwner) => {
        expect(authorize(who, action, { owner: resourceOwner }).kind).not.toBe('needs-owner');
      }),
      { numRuns: 1000, seed: 11 },
    );
  });
});

describe('listReach', () => {
  const onResources = actions.filter((a) => ACTIONS[a].resource !== null);

  it('lists exactly the resources that authorize() lets the identity reach one by one', () => {
    fc.assert(
      fc.property(identity, fc.constantFrom(...onResources), owner, (who, action, resourceOwner) => {
        // A listing is asked only of an identity the first question did not refuse.
        if (authorize(who, action).kind === 'deny') return;
        expect(reaches(listReach(who, action), resourceOwner)).toBe(decide(who, action, resourceOwner).kind === 'allow');
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it('gives the centre’s staff every owner’s projects, a site its own, and a centre desk the centre’s', () => {
    expect(listReach({ role: 'operator', site: null, siteState: null }, 'project.read')).toEqual({ kind: 'every-owner' });
    expect(listReach({ role: 'site', site: 'site-1', siteState: 'active' }, 'project.read')).toEqual({ kind: 'owner', owner: 'site-1' });
    expect(listReach({ role: 'site', site: 'site-1', siteState: 'active' }, 'draw.read')).toEqual({ kind: 'owner', owner: 'site-1' });
    expect(listReach({ role: 'checkin', site: null, siteState: null }, 'checkin')).toEqual({ kind: 'owner', owner: null });
    expect(reaches({ kind: 'owner', owner: 'site-1' }, null)).toBe(false);
    expect(reaches({ kind: 'owner', owner: null }, 'site-1')).toBe(false);
  });

  it('has no listing for an action on no resource', () => {
    expect(() => listReach({ role: 'admin', site: null, siteState: null }, 'site.manage')).toThrow(/no resource/);
  });
});
