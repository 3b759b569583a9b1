import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src/main/index.ts'),
          // A worker thread is started from a file: it gets its own entry, found by
          // defaultBlendWorkerUrl() next to index.js. Shared chunks sit beside both, not below.
          'blend-worker': resolve(import.meta.dirname, 'src/main/engine/compositor/blend-worker.ts'),
        },
        output: { entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot load ES modules or require our files: one CommonJS bundle.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    build: {
      // electron-vite leaves the renderer unminified; the page is served to browsers too.
      minify: true,
      // hls.js (578 kB minified) is the one chunk past Vite's 500 kB hint; it loads only when a monitor opens.
      chunkSizeWarningLimit: 600,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') },
      },
    },
    plugins: [react()],
  },
});
