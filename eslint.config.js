// Lint rules for the web app, its service worker and their tests (`make lint`).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["**/dist/**", "node_modules/**", ".venv/**", "dev-dist/**"] },
  js.configs.recommended,
  {
    files: ["pwa/**/*.js", "service_worker/**/*.js"],
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.serviceworker },
    },
    rules: {
      // A leading underscore names what a destructuring leaves out on purpose.
      "no-unused-vars": [
        "error",
        { varsIgnorePattern: "^_", argsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  { files: ["pwa/tests/**/*.js", "*.config.js"], languageOptions: { globals: { ...globals.node } } },
];
