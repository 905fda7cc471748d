// Bearer tokens: @fastify/jwt with the instance's Ed25519 key pair (EdDSA), issuer pinned, verified tokens cached.
import jwt from '@fastify/jwt';
import fp from 'fastify-plugin';
import { TOKEN_ISSUER } from '../../auth/tokens.js';

export default fp(
  async (app) => {
    const { privateKey, publicKey } = app.ctx.keys.jwt;
    await app.register(jwt, {
      secret: {
        private: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        public: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      sign: { algorithm: 'EdDSA', iss: TOKEN_ISSUER },
      // A token without an issuer is refused too (allowedIss alone checks only one that has it).
      verify: { algorithms: ['EdDSA'], allowedIss: TOKEN_ISSUER, requiredClaims: ['iss'], cache: true },
    });
  },
  { name: 'jwt', fastify: '5.x', dependencies: ['context'] },
);
