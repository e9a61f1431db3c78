import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The board is built into dist/web and served by the DepotWatch server itself (air-gapped: no CDN).
// In development Vite serves it on :5173 and forwards the API and the live feed to a local server.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  root: 'web',
  // absolute asset URLs: the server answers any path with index.html, and /a/b must still find /assets
  base: '/',
  plugins: [svelte()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    // the wall runs for weeks in an old kiosk browser; keep the output conservative and readable in a debugger
    sourcemap: true,
    chunkSizeWarningLimit: 600,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
