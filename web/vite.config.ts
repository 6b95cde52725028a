import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` serves the dashboard with hot reload and forwards API calls to a local `herald start`.
const server = 'http://localhost:8080';

export default defineConfig({
  plugins: [react(), tailwindcss()],
  server: {
    proxy: {
      '/api': server,
      '/docs': server,
      '/healthz': server,
    },
  },
  build: {
    sourcemap: true,
  },
});
