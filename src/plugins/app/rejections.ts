// Counts every error answer by its stable code (expert_draw_rejected_requests_total). The code is read from the answer
// itself, so that every path that answers in the service's error shape counts: the error handler, the not-found
// handler, the framework's own errors. Health reports (a 503 readiness body) are not rejections.
import fp from 'fastify-plugin';

const ERROR_CODE = /^\{"error":\{"code":"([A-Z_]+)"/;

export default fp(
  async (app) => {
    const { metrics } = app.ctx;
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (reply.statusCode >= 400 && typeof payload === 'string') {
        const code = ERROR_CODE.exec(payload)?.[1];
        if (code) metrics.rejected(code);
      }
      done(null, payload);
    });
  },
  { name: 'rejections', fastify: '5.x', dependencies: ['context'] },
);
