import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const MATH_RANDOM = { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'Use the seeded PRNG: GridWatch is deterministic.' };

/*
 * The storage boundary (server/store/store.ts): server/store/ owns every table, and nothing outside it
 * writes SQL. tests/unit/store-boundary.test.ts checks the same without ESLint.
 */
const DATABASE_DRIVERS = {
  group: ['better-sqlite3', 'pg', 'pg-*', 'postgres', 'sqlite3', 'node:sqlite'],
  message: 'Only server/store/ talks to the database: ask a repository of the Store (server/store/store.ts), or add one there.',
};
const STORE_ENGINES = {
  group: ['**/store/sqlite', '**/store/sqlite/**', '**/store/postgres', '**/store/postgres/**'],
  message: 'Depend on the Store interface (server/store/store.ts); only the composition root (server/app.ts) picks an engine.',
};
const STORE_ISOLATED =
  'server/store/ may import only itself, shared/, Node built-ins and the database drivers: it knows no domain module (services call the store, not the other way round).';

export default tseslint.config(
  { ignores: ['dist/', 'var/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', MATH_RANDOM],
    },
  },
  {
    // shared/ is used by the browser too: no Node built-ins there.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'os', 'crypto'], message: 'shared/ must run in the browser.' }] }],
    },
  },
  {
    files: ['client/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The client and shared/ never reach the database either.
    files: ['client/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DATABASE_DRIVERS, STORE_ENGINES] }] },
  },
  {
    // Outside server/store/: no driver, no engine, no connection; services ask the store's repositories.
    files: ['server/**/*.ts'],
    ignores: ['server/store/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [DATABASE_DRIVERS, STORE_ENGINES] }],
      'no-restricted-syntax': [
        'error',
        MATH_RANDOM,
        { selector: "MemberExpression[property.name='connection']", message: 'No SQL outside server/store/: use a repository of the Store, not its connection.' },
      ],
    },
  },
  {
    // The composition root opens the engine (new SqliteStore(file)) and hands the Store to the services.
    files: ['server/app.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [DATABASE_DRIVERS] }] },
  },
  {
    // Routers ask services, never the store; errors.ts may map the store's error classes to HTTP answers.
    files: ['server/http/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            DATABASE_DRIVERS,
            STORE_ENGINES,
            { regex: '^(\\.\\./)+store/(?!store\\.js$)', message: 'Routers ask services, not the store (server/store/).' },
            {
              group: ['../store/store.js'],
              allowImportNames: ['NotFoundError', 'VersionConflictError', 'InvalidCursorError'],
              message: "Routers ask services, not the store: only the store's error classes may be imported here, to map them to HTTP answers.",
            },
          ],
        },
      ],
    },
  },
  {
    // server/store/*.ts: '../x' is server/x (a domain module); '../../shared/' is allowed.
    files: ['server/store/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(?!\\.\\./shared/)', message: STORE_ISOLATED }] }] },
  },
  {
    // server/store/<engine>/*.ts: '../x' stays in the store; '../../x' is server/x; '../../../shared/' is allowed.
    files: ['server/store/*/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./\\.\\./(?!\\.\\./shared/)', message: STORE_ISOLATED }] }] },
  },
  {
    // The store contract runs against any engine: it knows the interfaces only.
    files: ['tests/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            DATABASE_DRIVERS,
            STORE_ENGINES,
            {
              regex: '^\\.\\./\\.\\./server/(?!store/(store|authStore)\\.js$)',
              message: 'The store contract is written against server/store/store.ts and authStore.ts only.',
            },
          ],
        },
      ],
    },
  },
);
