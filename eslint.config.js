import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

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
);
