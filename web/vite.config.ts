import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The console is built into web/dist and served by `usine up` at `/` (src/server/console-files.ts).
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  logLevel: 'warn',
  // `npm run console:dev`: hot reload against a running `usine up` (USINE_URL, default :7777)
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/s'].map((path) => [path, process.env.USINE_URL ?? 'http://127.0.0.1:7777']),
    ),
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // the budget is 250 kB gzipped for all of it: a warning well before that
    chunkSizeWarningLimit: 600,
  },
});
