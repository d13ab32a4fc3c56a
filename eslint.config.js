// ESLint flat config. Besides style, it enforces the architecture's dependency rules
// (docs/architecture.md "Dependency rules"); test/architecture/imports.test.ts holds the same rules.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import unicorn from 'eslint-plugin-unicorn';
import tseslint from 'typescript-eslint';

const adapters = ['gerrit', 'kube', 'model', 'store', 'prometheus'];
const frontEnds = ['mcp', 'review', 'http', 'cli', 'web'];
const project = ['src', 'tools', 'test', 'bench', 'scripts', 'evals'];

const adapterZones = adapters.map((adapter) => ({
  target: `./src/${adapter}`,
  from: [
    ...adapters.filter((other) => other !== adapter).map((other) => `./src/${other}`),
    ...frontEnds.map((f) => `./src/${f}`),
    './src/copilot',
    './tools',
  ],
  message: 'adapters talk to one outside system each and never import each other, copilot, tools or a front-end',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '**/*.gen.*', 'test/peers/**/go/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // The probe files exist only inside test/architecture/lint-rules.test.ts (linted as text).
        projectService: { allowDefaultProject: ['src/policy/evaluate/lint-probe.ts', 'src/gerrit/lint-probe.ts', 'src/kube/lint-probe.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX, unicorn },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'unicorn/filename-case': ['error', { case: 'kebabCase' }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/policy',
              from: './src',
              except: ['./policy'],
              message: 'src/policy is the pure engine: it imports nothing from the rest of the project',
            },
            {
              target: './src/policy',
              from: project.filter((p) => p !== 'src').map((p) => `./${p}`),
              message: 'src/policy is the pure engine: it imports nothing from the rest of the project',
            },
            ...adapterZones,
            {
              target: ['./src', './tools'],
              from: ['./test', './bench', './scripts', './evals'],
              message: 'production code never imports tests, benchmarks, scripts or evals',
            },
            {
              target: './src/copilot',
              from: ['./tools', './src/chat', ...frontEnds.map((f) => `./src/${f}`)],
              message: 'copilot composes the engine and adapters; tools and front-ends call it, not the reverse',
            },
            {
              target: ['./src/chat', './tools'],
              from: frontEnds.map((f) => `./src/${f}`),
              message: 'the conversation loop (src/chat) and the tool catalog serve every front-end and import none',
            },
          ],
        },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'only src/config reads the environment' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/main.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']", message: 'only src/cli/main.ts calls process.exit' },
      ],
    },
  },
  {
    files: ['src/policy/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'https', 'net', 'crypto', 'undici', '@kubernetes/*'], message: 'src/policy does no I/O: no Node built-ins or network clients' }] },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'src/policy reads no environment' },
        { name: 'fetch', message: 'src/policy does no I/O' },
        { name: 'Buffer', message: 'src/policy uses no Node built-ins' },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'src/policy takes time as a parameter' },
        { object: 'process', property: 'env', message: 'src/policy reads no environment' },
      ],
    },
  },
  {
    // Tests beside the sources are not production code: they may read fixtures and use test helpers.
    files: ['src/**/*.test.ts', 'src/**/*.fuzz.test.ts'],
    rules: {
      'import-x/no-restricted-paths': 'off',
      'no-restricted-imports': 'off',
      'no-restricted-globals': 'off',
      'no-restricted-properties': 'off',
      'no-console': 'off',
    },
  },
  {
    files: ['src/cli/output/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts', 'evals/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // The chat page's browser modules (served as they are, no build step).
    files: ['src/web/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(
        ['document', 'window', 'localStorage', 'fetch', 'Response', 'Node', 'Element', 'HTMLElement', 'HTMLButtonElement', 'HTMLFormElement', 'HTMLInputElement', 'HTMLSelectElement', 'HTMLTextAreaElement', 'ReadableStream', 'TextDecoderStream'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
