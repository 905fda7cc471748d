// Password hashing and the minimum policy: scrypt with today's parameters in a self-describing string, a random salt
// per hash, verification by the stored parameters (so they can change), and the rules a new password must pass.
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordProblem, SCRYPT_PARAMS, verifyPassword } from '../../src/auth/passwords.js';

describe('password hashes', () => {
  it('are scrypt PHC strings with today’s parameters and a fresh salt, and verify only the right password', async () => {
    const [one, two] = await Promise.all([hashPassword('correct horse battery'), hashPassword('correct horse battery')]);
    expect(one).toMatch(new RegExp(`^\\$scrypt\\$ln=${SCRYPT_PARAMS.logN},r=${SCRYPT_PARAMS.r},p=${SCRYPT_PARAMS.p}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`));
    expect(one).not.toBe(two);
    expect(await verifyPassword('correct horse battery', one)).toBe(true);
    expect(await verifyPassword('correct horse batterY', one)).toBe(false);
    expect(needsRehash(one)).toBe(false);
  });

  it('verify a hash made with other parameters by its own, and ask for a rehash', async () => {
    const older = await hashPassword('correct horse battery', { logN: 12, r: 8, p: 1 });
    expect(older.startsWith('$scrypt$ln=12,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', older)).toBe(true);
    expect(needsRehash(older)).toBe(true);
  });

  it('treat a password typed with full-width characters as the same password (NFKC)', async () => {
    const stored = await hashPassword('Password２０２６ａｂ', { logN: 12, r: 8, p: 1 });
    expect(await verifyPassword('Password2026ab', stored)).toBe(true);
  });

  it('refuse malformed or absurd stored strings without throwing', async () => {
    const good = await hashPassword('correct horse battery', { logN: 12, r: 8, p: 1 });
    for (const bad of ['', 'plain', good.replace('ln=12', 'ln=40'), good.replace('r=8', 'r=99'), good.replace('$scrypt$', '$argon2id$'), good.slice(0, -5)]) {
      expect(await verifyPassword('correct horse battery', bad), bad).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
  });
});

describe('the password policy', () => {
  it('asks for 12–256 characters, 5 different ones, and not the username', () => {
    expect(passwordProblem('short-pw-1', 'op-li')?.rule).toBe('length');
    expect(passwordProblem('x'.repeat(257), 'op-li')?.rule).toBe('length');
    expect(passwordProblem('abababababab', 'op-li')?.rule).toBe('variety');
    expect(passwordProblem('my-OP-LI-is-long', 'op-li')?.rule).toBe('username');
    expect(passwordProblem('评标专家随机抽取系统密码', 'op-li')).toBeNull();
    expect(passwordProblem('correct horse battery', 'op-li')).toBeNull();
  });
});
