/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The back end serves the built files at `/` in production; in development the
// dev server forwards the API so the browser sees one origin either way.
// changeOrigin stays false: the API accepts a write only from its own origin (as
// the Host it receives names it), so it must receive the browser's Host, 5173's.
const API_TARGET = process.env.STOCKLINE_API ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: { '/api': { target: API_TARGET, changeOrigin: false } },
  },
  preview: {
    proxy: { '/api': { target: API_TARGET, changeOrigin: false } },
  },
  build: {
    // The page must work offline and stay small: everything is bundled and
    // the size report would flag a regression above the budget.
    chunkSizeWarningLimit: 400,
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./tests/setup.ts'],
    include: ['tests/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // Component tests type into inputs key by key; on a busy two-core CI box a
    // whole edit-save-resolve flow can take several seconds.
    testTimeout: 20_000,
    unstubGlobals: true,
  },
});
