// The console hides the screens a role may not use (console/src/access.ts); its table must say what the service's
// policy says (src/auth/policy.ts), or it would offer a screen the API refuses, or hide one it allows.
import { describe, expect, it } from 'vitest';
import { ACTION_ROLES, SCREENS, may } from '../../console/src/access.js';
import { ACTIONS } from '../../src/auth/policy.js';
import { ROLES } from '../../src/auth/roles.js';

describe('the console’s access table', () => {
  it('gives each action it uses exactly the roles of the policy', () => {
    for (const [action, roles] of Object.entries(ACTION_ROLES)) {
      expect(action in ACTIONS, action).toBe(true);
      expect([...roles].sort(), action).toEqual([...ACTIONS[action as keyof typeof ACTIONS].roles].sort());
    }
  });

  it('shows the operator the board, the registration, the unseal and the proof check, the desk only the check-in, the pool manager the pool desk, the personal data approvals and the records, supervisors the approvals, the early warning and the records, inspectors the early warning', () => {
    const screens = (role: (typeof ROLES)[number]) => SCREENS.filter((s) => may(role, s.action)).map((s) => s.route);
    expect(screens('operator')).toEqual(['board', 'register', 'unseal', 'inspect']);
    expect(screens('checkin')).toEqual(['checkin']);
    expect(screens('supervisor')).toEqual(['board', 'unseal', 'changes', 'inspect', 'alerts', 'records', 'witness']);
    expect(screens('inspector')).toEqual(['board', 'inspect', 'alerts']);
    expect(screens('site')).toEqual(['board', 'register']);
    expect(screens('pool-manager')).toEqual(['pool', 'changes', 'records']);
    expect(screens('admin')).toEqual(['board', 'register', 'pool', 'accounts']);
  });
});
