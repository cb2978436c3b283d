import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Served by Voltlane under /app/. `npm run dev --workspace @voltlane/web` proxies the API to a
// running Voltlane (VOLTLANE_URL, default http://127.0.0.1:8080).
const target = process.env.VOLTLANE_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': { target, changeOrigin: true }, '/files': target } },
});
