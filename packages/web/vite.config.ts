import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `base: './'` keeps every asset URL relative: the kernel serves this build under whatever base path it
// is mounted at (`/` or e.g. `/portal/`) and announces that path in the `platform-base-path` meta tag.
export default defineConfig({
  base: './',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
});
