// ESLint flat config: typescript-eslint's recommended rules over src/, scripts/, tasks/, test/, deploy/.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "artifacts/", "cache/", "typechain-types/", "coverage/", "dist/", "results/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // CommonJS config and helper scripts (.solcover.js, scripts/*.js) run under Node.
    files: ["**/*.js"],
    languageOptions: {
      sourceType: "commonjs",
      globals: { require: "readonly", module: "writable", process: "readonly", console: "readonly" },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);
