// Builds the live UI into ui/dist, which the processor's HTTP server serves at `/`.
// Dev: `npm run dev:ui` proxies socket.io and the HTTP API to a running processor
// (VIGIA_API, default http://127.0.0.1:8080), adding its token (VIGIA_TOKEN, else
// .vigia/access/http-token).
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ProxyOptions } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const uiRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const api = process.env.VIGIA_API ?? 'http://127.0.0.1:8080';
const tokenFile = new URL('../.vigia/access/http-token', import.meta.url);
const token = process.env.VIGIA_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);

// The processor refuses other origins (CSRF); the dev server's own pages become the
// processor's origin, any other page's Origin is passed on and refused there.
const proxied: ProxyOptions = {
  target: api,
  changeOrigin: true,
  headers: token ? { authorization: `Bearer ${token}` } : {},
  configure(proxy) {
    const fromDevPage = (incoming: IncomingMessage) => {
      const origin = incoming.headers.origin;
      try {
        return origin !== undefined && new URL(origin).host === incoming.headers.host;
      } catch {
        return false;
      }
    };
    proxy.on('proxyReq', (req, incoming) => fromDevPage(incoming) && req.setHeader('origin', new URL(api).origin));
    proxy.on('proxyReqWs', (req, incoming) => fromDevPage(incoming) && req.setHeader('origin', new URL(api).origin));
  },
};

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
      '/socket.io': { ...proxied, ws: true },
      '/api': proxied,
    },
  },
});
