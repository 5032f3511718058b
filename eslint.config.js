// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** What the pure core must never touch: the world (I/O, the clock, randomness). */
const worldImports = {
  patterns: [
    { group: ['node:*'], message: 'src/domain and src/sim are pure: pass I/O in from app/ or cli/.' },
    {
      group: ['fs', 'fs/*', 'net', 'http', 'https', 'child_process', 'os', 'path', 'crypto', 'process'],
      message: 'src/domain and src/sim are pure: no Node built-ins.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.usine/**', 'web/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      'no-restricted-exports': [
        'error',
        { restrictDefaultExports: { direct: true, named: true, defaultFrom: true } },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/domain/**/*.ts', 'src/sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', worldImports],
      'no-restricted-globals': [
        'error',
        { name: 'process', message: 'The domain knows no world: inject configuration.' },
        { name: 'setTimeout', message: 'The domain knows no clock: inject it.' },
        { name: 'setInterval', message: 'The domain knows no clock: inject it.' },
        { name: 'fetch', message: 'The domain does no I/O.' },
        { name: 'require', message: 'The domain does no I/O.' },
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'The domain knows no clock: take the instant as a parameter.',
        },
        {
          object: 'Math',
          property: 'random',
          message: 'The domain has no hidden randomness: take a seeded Random.',
        },
        { object: 'performance', property: 'now', message: 'The domain knows no clock.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'new Date() reads the clock: take the instant as a parameter.',
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // the console (web/) bundles the SDK for the browser
    files: ['src/sdk/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: 'src/sdk runs in the browser too (web/): no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    files: ['*.config.{js,ts}', 'web/vite.config.ts'],
    rules: { 'no-restricted-exports': 'off' },
  },
);
