// The staff console's one server-side page: what / says when the console has not been built (src/routes/console.ts).
// Everything else the console says is its own (console/src/i18n.ts).
import { defineMessages } from '../define.js';

export const consolePage = defineMessages({
  title: { zh: '评标专家抽取控制台', en: 'Expert draw console' },
  notBuilt: {
    zh: '控制台尚未构建：请在服务目录运行 npm run build（npm ci 会自动运行），然后重启服务。API（/v1）不受影响。',
    en: 'The console has not been built: run npm run build in the service folder (npm ci runs it), then restart the service. The API (/v1) is not affected.',
  },
});
