// Builds the app in pwa/ and, through vite-plugin-pwa's injectManifest, the service worker in
// service_worker/ with its precache list of the versioned shell. Output: pwa/dist/.
import { defineConfig } from "vite";
import { VitePWA } from "vite-plugin-pwa";

export default defineConfig({
  root: "pwa",
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
  plugins: [
    VitePWA({
      strategies: "injectManifest",
      srcDir: "../service_worker",
      filename: "sw.js",
      injectRegister: false,
      manifest: false,
      injectManifest: {
        globPatterns: ["**/*.{js,css,html,webmanifest,png,svg}"],
      },
    }),
  ],
  test: { root: ".", include: ["pwa/tests/**/*.test.js"], environment: "node" },
});
