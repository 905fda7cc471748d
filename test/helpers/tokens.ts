// Tokens the service's signer would refuse to make, signed with its real key or with others: the forged-token set of
// the authorization tests (docs/security.md).
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { TOKEN_ISSUER } from '../../src/auth/tokens.js';

const pem = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs any claims with the instance's own EdDSA key, bypassing the issue-time checks. */
export function signRaw(privateKey: KeyObject, claims: Record<string, unknown>, options: { iss?: string } = {}): string {
  return createSigner({ key: pem(privateKey), algorithm: 'EdDSA', iss: options.iss ?? TOKEN_ISSUER })(claims);
}

/** Every kind of token the service must refuse with 401, by name: none of them may reach any route. */
export function forgedTokens(privateKey: KeyObject): Record<string, string> {
  const now = Math.floor(Date.now() / 1000);
  const good = { sub: 'forger', role: 'admin', iat: now, exp: now + 600 };
  const other = generateKeyPairSync('ed25519').privateKey;
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    expired: signRaw(privateKey, { ...good, iat: now - 1200, exp: now - 600 }),
    'not yet valid': signRaw(privateKey, { ...good, nbf: now + 300 }),
    'other key': signRaw(other, good),
    'alg none': `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...good, iss: TOKEN_ISSUER })}.`,
    'HS256 with the public key': createSigner({ key: publicPem, algorithm: 'HS256', iss: TOKEN_ISSUER })(good),
    'wrong issuer': signRaw(privateKey, good, { iss: 'someone-else' }),
    // Signed with the instance's key, but naming no issuer (an outside audit found it accepted, stop 43).
    'no issuer': createSigner({ key: pem(privateKey), algorithm: 'EdDSA' })(good),
    'no exp': signRaw(privateKey, { sub: 'forger', role: 'admin', iat: now }),
    'longer than allowed': signRaw(privateKey, { ...good, exp: now + 30 * 86_400 }),
    // Within the cap by its own dates, but dated ahead: it would live a year from now.
    'issued in the future': signRaw(privateKey, { ...good, iat: now + 365 * 86_400 - 3600, exp: now + 365 * 86_400 }),
    'unknown role': signRaw(privateKey, { ...good, role: 'root' }),
    'site token without a site': signRaw(privateKey, { ...good, role: 'site' }),
  };
}
