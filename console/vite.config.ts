// The staff console's build: console/ → dist/console/, served by the service at / (src/routes/console.ts).
// `npm run build` runs it after the server's build. Plain TypeScript and the DOM: no framework.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  // The API is served by the same process at the same origin; `vite` (dev server) is not part of the workflow.
  publicDir: false,
  resolve: {
    alias: [
      // The inspector's verifier chunk (console/verifier/): the CLI's own verifier modules, with node:crypto on the
      // audited @noble libraries and no file access. Only that chunk imports these.
      { find: 'virtual:proof-verifier', replacement: fileURLToPath(new URL('./verifier/proof-verifier.ts', import.meta.url)) },
      { find: /^node:crypto$/, replacement: fileURLToPath(new URL('./verifier/node-crypto.ts', import.meta.url)) },
      { find: /^node:fs$/, replacement: fileURLToPath(new URL('./verifier/node-fs.ts', import.meta.url)) },
      { find: /^node:module$/, replacement: fileURLToPath(new URL('./verifier/node-module.ts', import.meta.url)) },
    ],
  },
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
