import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const SPREAD_HINT =
  'spreads an array into function arguments, which overflows the stack on data-sized arrays; use minMax / maxOf / minOf / pushAll from src/pipeline/array-stats.ts or a loop.';
const spreadRestrictions = [
  {
    selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
    message: `Math.max/min(...) ${SPREAD_HINT}`,
  },
  { selector: 'CallExpression[callee.property.name=/^(push|unshift)$/] > SpreadElement', message: `push/unshift(...) ${SPREAD_HINT}` },
  { selector: "CallExpression[callee.property.name='fromCharCode'] > SpreadElement", message: `fromCharCode(...) ${SPREAD_HINT}` },
  {
    selector: "CallExpression[callee.property.name='apply'][callee.object.property.name=/^(max|min|push|unshift|fromCharCode)$/]",
    message: `.apply() ${SPREAD_HINT}`,
  },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'state/**', 'coverage/**', 'bench/throughput/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // stdout is the MCP stdio channel: only the CLI may print to it.
      'no-console': 'error',
    },
  },
  { files: ['src/cli/**', 'src/cli.ts', 'bench/**', 'test/**'], rules: { 'no-console': 'off' } },
  // MCP Apps views and the test host run in a browser (bundled by scripts/build-views.ts and the view test).
  { files: ['src/server/apps/view/**', 'test/helpers/apps-host/**'], languageOptions: { globals: { ...globals.browser } } },
  // The dashboard's one script runs in the browser (served as is from /assets/dashboard.js).
  { files: ['assets/**/*.js'], languageOptions: { globals: { ...globals.browser }, sourceType: 'script' } },
  {
    // An argument spread passes every element on the stack: Math.max(...xs) throws "Maximum call
    // stack size exceeded" near 10^5-10^6 elements (issue 11). Use src/pipeline/array-stats.ts.
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...spreadRestrictions] },
  },
);
