// The staff console's build: console/ → dist/console/, served by the service at / (src/routes/console.ts).
// `npm run build` runs it after the server's build. Plain TypeScript and the DOM: no framework.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // The API is served by the same process at the same origin; `vite` (dev server) is not part of the workflow.
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    // Under /console/, beside the answer page's /assets/ (src/routes/console.ts ASSETS_DIR).
    assetsDir: 'console',
    // The CSP allows no inline code: no inline polyfill, and styles as files.
    modulePreload: false,
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    target: 'es2022',
    reportCompressedSize: true,
  },
});
