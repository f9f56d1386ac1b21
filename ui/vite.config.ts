// Builds the live UI into ui/dist, which the processor's HTTP server serves at `/`.
// Dev: `npm run dev:ui` proxies socket.io and the HTTP API to a running processor
// (VIGIA_API, default http://127.0.0.1:8080).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const uiRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const api = process.env.VIGIA_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: uiRoot,
  // Relative asset URLs: the bundle works wherever the processor mounts it.
  base: './',
  plugins: [svelte()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    // The UI imports the shared zod schemas from ../contracts.
    fs: { allow: [repoRoot] },
    proxy: {
      '/socket.io': { target: api, ws: true, changeOrigin: true },
      '/api': { target: api, changeOrigin: true },
    },
  },
});
