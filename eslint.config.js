// Lint what matters (STYLE habit 9): no import cycles, no floating promises, exhaustive switches,
// and the layering of server/src (domain imports no I/O; http and realtime never import adapters).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

// The boundary between the centre and the edge (issue 7): the edge imports only the contracts from server/,
// the centre (and lib/, config/) never imports the edge; only the demo's composition root sits above both.
const edgeBan = { group: ['**/collectors/**', '**/demo/**'], message: 'server/, lib/ and config/ never import the edge or the demo' };
const centreBan = { regex: '(^|/)server/(?!src/contracts/)', message: 'the edge imports only server/src/contracts/' };

const ioModules = ['better-sqlite3', 'mqtt', 'aedes', 'express', 'socket.io', 'node:fs', 'node:http', 'node:net', 'pino'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**', '.bench-peers/**', 'test-results/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname, extraFileExtensions: ['.svelte'] },
    },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    files: ['server/**', 'lib/**', 'config/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [edgeBan] }] },
  },
  {
    files: ['collectors/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [centreBan, { group: ['**/demo/**'] }] }] },
  },
  {
    files: ['server/src/domain/**', 'server/src/contracts/**', 'config/schema.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: ioModules.map((name) => ({ name, allowTypeImports: true })), patterns: [{ group: ['**/adapters/**', '**/services/**'], allowTypeImports: true }, edgeBan] }] },
  },
  {
    files: ['server/src/http/**', 'server/src/realtime/**'],
    // types (the Logger) may come from adapters; code may not
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/adapters/**'], allowTypeImports: true }, edgeBan] }] },
  },
  {
    files: ['scripts/**', 'bench/**', 'collectors/src/simulator/cli.ts', 'tests/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
