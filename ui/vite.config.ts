/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Tauri sets TAURI_ENV_PLATFORM when it runs the build; WebView2 on Windows is Chromium,
// macOS/Linux use WebKit.
const platform = process.env.TAURI_ENV_PLATFORM;

export default defineConfig({
  base: './',
  plugins: [react()],
  clearScreen: false,
  server: { port: 1420, strictPort: true },
  envPrefix: ['VITE_', 'TAURI_ENV_'],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: platform === 'windows' ? 'chrome105' : 'safari13',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    // The first render of the whole app loads antd's lazy screens; on a loaded 2-core machine
    // that can take longer than vitest's default 5 s. Not a speed check: the figures are in benches.
    testTimeout: 20000,
  },
});
