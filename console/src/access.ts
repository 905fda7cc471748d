// Which screens and buttons a person sees: the actions of the service's policy (src/auth/policy.ts) the screen needs,
// and the roles that hold them. Hiding is for clarity only — the API refuses whatever the policy refuses, whatever
// the console shows. test/console/access.test.ts holds this table to the policy's.

export type Role = 'admin' | 'pool-manager' | 'operator' | 'supervisor' | 'checkin' | 'site' | 'inspector';

/** The policy's actions the console uses, with the roles that may take them. */
export const ACTION_ROLES = {
  'project.read': ['operator', 'supervisor', 'inspector', 'admin', 'site'],
  'project.register': ['operator', 'admin', 'site'],
  'draw.run': ['operator', 'site'],
  'draw.read': ['operator', 'supervisor', 'inspector', 'admin', 'site'],
  checkin: ['checkin'],
  // Postpone and cancel on the board; the unseal screen; a site's sealed result.
  'project.manage': ['operator', 'admin', 'site'],
  'draw.unseal': ['operator', 'supervisor'],
  'draw.panel': ['operator', 'supervisor'],
  'draw.disclose': ['operator'],
  'draw.export': ['site'],
  'pool.read': ['pool-manager', 'admin'],
  'pool.write': ['pool-manager', 'admin'],
  // Admit, reject, re-confirm, exit: a pool manager's own login (docs/admission.md).
  'pool.review': ['pool-manager'],
  'draw.proof': ['inspector', 'supervisor', 'operator'],
  'alert.read': ['supervisor', 'inspector'],
  // An expert's record, consequences and objections (docs/records.md).
  'consequence.read': ['pool-manager', 'supervisor'],
  'objection.lodge': ['pool-manager'],
  'objection.decide': ['pool-manager'],
  // A review closed, a record link sent to the expert: a pool manager.
  'consequence.close': ['pool-manager'],
  'record.link': ['pool-manager'],
  // A revised file's change of an expert's name, phone or ID number, listed and decided (pool.approve, the same roles)
  // by a second person (docs/security.md T6).
  'pool.held': ['pool-manager', 'supervisor'],
  'witness.deposit': ['supervisor'],
  // Staff accounts: the administrator's.
  'user.manage': ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type ConsoleAction = keyof typeof ACTION_ROLES;

export const may = (role: Role, action: ConsoleAction): boolean => (ACTION_ROLES[action] as readonly Role[]).includes(role);

/** The screens, in the navigation's order, and the action each needs. */
export const SCREENS = [
  { route: 'board', action: 'project.read', label: 'navBoard' },
  { route: 'register', action: 'project.register', label: 'navRegister' },
  { route: 'checkin', action: 'checkin', label: 'navCheckin' },
  { route: 'unseal', action: 'draw.unseal', label: 'navUnseal' },
  { route: 'pool', action: 'pool.read', label: 'navPool' },
  { route: 'changes', action: 'pool.held', label: 'navChanges' },
  { route: 'inspect', action: 'draw.proof', label: 'navInspect' },
  { route: 'alerts', action: 'alert.read', label: 'navAlerts' },
  { route: 'records', action: 'consequence.read', label: 'navRecords' },
  { route: 'witness', action: 'witness.deposit', label: 'navWitness' },
  { route: 'accounts', action: 'user.manage', label: 'navAccounts' },
] as const satisfies readonly { route: string; action: ConsoleAction; label: string }[];
