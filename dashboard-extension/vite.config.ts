/// <reference types="vitest/config" />
import { fileURLToPath } from "node:url";

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The Django app serves the build: index.html for every dashboard route, assets under
// /dashboard/assets/ with a year-long cache (their names carry a content hash).
const outDir = fileURLToPath(new URL("../saleor_automation/dashboard_build", import.meta.url));

export default defineConfig({
  base: "/dashboard/",
  plugins: [react()],
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: "jsdom",
    // Worker threads start faster than forked processes: most files only need jsdom.
    pool: "threads",
    globals: false,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
