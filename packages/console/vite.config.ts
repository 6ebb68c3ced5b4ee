import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The hub serves dist/ at `/` (packages/hub/src/http/console.ts); `npm start` builds it first.
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  resolve: {
    // The client's browser entry (fetch); its package exports only the Node entry (node:https).
    alias: { '@outpost/client/browser': here('../client/src/browser.ts') },
    // Workspace packages are bundled from their TypeScript sources, not their compiled dist/.
    conditions: ['source', ...defaultClientConditions],
  },
  build: {
    outDir: here('dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 800,
  },
  server: {
    // `vite` in this folder for UI work: API calls go to a hub on the default port.
    proxy: { '/api': { target: 'https://127.0.0.1:8443', secure: false } },
  },
});
