/**
 * Lint = the layering boundaries of STYLE.md §5.1–5.2 (as they apply to this tree, see ARCHITECTURE.md "Layers")
 * and the SECURITY.md G3 bans. Deliberately small: no style presets, no type information (fast).
 * tests/eslint-boundaries.test.ts runs each rule on violating snippets, so a rule that stops biting fails `npm run test:unit`.
 */
import Module, { createRequire } from 'node:module';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';

// typescript-eslint 8 needs the TypeScript 6 compiler API; `typescript` 7 (what tsc and Next use here) is the
// native compiler and has none. So the parser gets TypeScript 6 from @typescript/typescript6, and package.json's
// "overrides" lets typescript-eslint install beside typescript 7. Drop both once typescript-eslint supports TS 7.
const require = createRequire(import.meta.url);
const typescript6 = require.resolve('@typescript/typescript6');
const TS_ESLINT_FILE = /[\\/]node_modules[\\/](@typescript-eslint|typescript-eslint|ts-api-utils)[\\/]/;
const hooked = Symbol.for('karte.eslint.typescript6');
if (!Module[hooked]) {
  const resolveFilename = Module._resolveFilename; // Node's internal resolver for require()
  Module._resolveFilename = function (request, parent, ...rest) {
    if (request === 'typescript' && TS_ESLINT_FILE.test(parent?.filename ?? '')) return typescript6;
    return resolveFilename.call(this, request, parent, ...rest);
  };
  Module[hooked] = true;
}
const { default: tseslint } = await import('typescript-eslint');

const TS = ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'];
const TESTS = ['**/*.test.ts', '**/*.test.tsx', 'tests/**', 'e2e/**'];

// ---------------------------------------------------------------------------------------------------------------
// Import restrictions. Each concern is its own rule name (the same typescript-eslint no-restricted-imports rule
// registered several times), so one file can be under several concerns without one config replacing another's
// options, and a report names the boundary it broke.
// ---------------------------------------------------------------------------------------------------------------
const restrictedImports = tseslint.plugin.rules['no-restricted-imports'];
const layers = {
  meta: { name: 'karte-layers' },
  rules: {
    'data-access': restrictedImports,
    'client-imports': restrictedImports,
    'no-next-in-domain': restrictedImports,
    'no-web-in-services': restrictedImports,
    'env-import': restrictedImports,
    'zod-import': restrictedImports,
  },
};

/** Where the Prisma client may be used freely: repositories, the db module itself, and tooling. */
const DB_ANYWHERE = [
  '**/*.repository.ts',
  'lib/core/**', // db.ts, migrations, health check, embedded database
  'lib/audit/**', // audit writes share the caller's transaction; the report reads AuditEvent directly
  'lib/masters/**', // master import/search (global tables) are repositories plus their batch importer
  'prisma/**',
  'scripts/**',
  'bench/**',
  ...TESTS,
];

const DB_MODULE = String.raw`(^|/)core/db$`;
const PRISMA_CLIENT = String.raw`(^|/)generated/prisma(/|$)|^@prisma/|^pg$`;
const REPOSITORY = String.raw`\.repository$`;

const msg = {
  dbInUi:
    'Pages, routes and components never touch the database: call a service (pages, routes) or a server action (components). STYLE.md §5.1.',
  prismaInUi: 'Prisma and the pg driver stay behind repositories (STYLE.md §5.1). `import type` of generated enums/models is fine.',
  repositoryInUi: 'Repositories are private to lib/: pages and routes call a service, components call a *.actions.ts action. Re-export row types from a *.dto.ts.',
  dbInService:
    'A service may take db(), runInTransaction, Tx and Prisma (types) from lib/core/db and pass the client to repositories; connection lifecycle (disconnectDb) belongs to scripts and tests.',
  dbElsewhere: 'Only *.repository.ts (and services, for db()/runInTransaction) use lib/core/db. `import type { Tx }` is fine.',
  prismaValue: 'The Prisma client runs only in repositories and lib/core; elsewhere import its types with `import type`.',
};

/** Files that orchestrate use cases: they choose db() or a transaction and pass it to repository functions. */
const SERVICE_LIKE = [
  'lib/**/*.service.ts',
  'lib/auth/actor.ts', // resolves the session of each request (revokes idle sessions through authRepository)
  'lib/records/versioned-record.ts', // the shared version chain of diagnoses and allergies (service code of two slices)
  'lib/records/verify-record-hashes.ts', // the 真正性 sweep behind `npm run records:verify`
];

// Client-safe lib files a component may import (STYLE.md §5.2). Everything else in lib/ is server code; a component
// reaches it through a *.actions.ts server action. Additions must be isomorphic: no I/O, no server-only imports.
const CLIENT_SAFE_LIB = [
  String.raw`.+\.(actions|schema|dto|constants)`,
  'permissions/.+',
  'core/app-error',
  'core/dates', // date formatting and 和暦 (date-fns); no I/O
  'web/request-headers', // the x-karte-background header constant used by polling fetches
  'web/session-exit', // leaving for the login page once per page (the idle lock's reason wins over a poll's 401)
  'records/notes/note-format', // SOAP labels, vitals line, BMI, line diff: pure functions
  'phrases/phrase-expand', // 定型文 expansion at the cursor: pure functions
  'records/notes/vitals-line', // the one-line vitals parser: a pure function over the note schema's vital rules
  'records/notes/note-timeline', // merges note pages in the browser: pure functions over DTOs
  'records/allergies/ingredient-label', // drug label text: a pure function
  'core/kana', // kana/kanji search keys: pure string functions
  'records/patients/enter-choice', // which search result Enter may take: a pure function over DTOs
  'records/prescriptions/duration-limits', // 投与日数・投与量 limits of one item: pure functions (the editor checks as it is typed)
  'records/prescriptions/legal-duration-limits.constants', // the 告示's 30/90日 list, data only
  'records/prescriptions/usage-filter', // the 用法 combobox's search: a pure function
];

/** Any option set of no-restricted-imports for the rules above. */
const restrict = (patterns) => ['error', { patterns }];

// ---------------------------------------------------------------------------------------------------------------
// Syntax bans. ESLint keeps one option list per rule, so file groups that add bans repeat the global ones.
// ---------------------------------------------------------------------------------------------------------------
const RAW_UNSAFE = String.raw`/^\$(queryRawUnsafe|executeRawUnsafe)$/`;
const rawUnsafeMessage =
  'SECURITY.md G3: $queryRawUnsafe/$executeRawUnsafe run a string as SQL (injection). Use the $queryRaw`…` / $executeRaw`…` tagged templates, which send values as parameters.';
const htmlMessage = 'SECURITY.md G3: dangerouslySetInnerHTML bypasses React escaping (stored XSS). Render text, or sanitize in one reviewed helper.';
const evalMessage = 'SECURITY.md G3/G4: eval and new Function run strings as code; the CSP forbids it too.';
const G3_SYNTAX = [
  { selector: `MemberExpression[property.name=${RAW_UNSAFE}]`, message: rawUnsafeMessage },
  { selector: `MemberExpression[property.value=${RAW_UNSAFE}]`, message: rawUnsafeMessage },
  { selector: `ObjectPattern > Property[key.name=${RAW_UNSAFE}]`, message: rawUnsafeMessage },
  { selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']", message: htmlMessage },
  { selector: "Property[key.name='dangerouslySetInnerHTML']", message: htmlMessage },
  { selector: "CallExpression[callee.name='eval']", message: evalMessage },
  { selector: "MemberExpression[property.name='eval']", message: evalMessage },
  { selector: "NewExpression[callee.name='Function']", message: evalMessage },
  { selector: "CallExpression[callee.name='Function']", message: evalMessage },
];
const QUERY_OUTSIDE_REPOSITORY = [
  {
    selector: "MemberExpression[object.type='CallExpression'][object.callee.name='db']",
    message: 'Query through a *.repository.ts function and pass it db() (or the transaction): only repositories build Prisma queries (STYLE.md §5.1).',
  },
  {
    selector: "MemberExpression[object.name='Prisma']",
    message: 'Prisma.sql / Prisma.raw / … build queries: keep them in *.repository.ts (types via Prisma.X are fine).',
  },
];

const ENV_READERS = [
  'lib/core/env.ts', // the one validated reader (env())
  'scripts/**',
  'bench/**',
  ...TESTS,
  'playwright*.config.ts',
  'prisma.config.ts',
  'next.config.ts',
  'vitest.config.ts',
];
const envMessage = 'Read settings through env() from lib/core/env.ts: it validates them once and is the list of every setting (ARCHITECTURE.md "Environment").';

export default defineConfig(
  {
    ignores: ['lib/generated/**', '.next/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'data/**', 'bench/out/**', 'bench/results/**', 'next-env.d.ts'],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  {
    files: TS,
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
  },
  {
    plugins: { layers },
    rules: {
      'no-restricted-syntax': ['error', ...G3_SYNTAX],
      'no-implied-eval': 'error',
    },
  },

  // --- data access -----------------------------------------------------------------------------------------------
  {
    files: ['app/**', 'components/**', 'proxy.ts'],
    rules: {
      'layers/data-access': restrict([
        { regex: DB_MODULE, message: msg.dbInUi },
        { regex: PRISMA_CLIENT, message: msg.prismaInUi, allowTypeImports: true },
        { regex: REPOSITORY, message: msg.repositoryInUi },
      ]),
    },
  },
  {
    files: SERVICE_LIKE,
    ignores: DB_ANYWHERE,
    rules: {
      'layers/data-access': restrict([
        { regex: DB_MODULE, allowImportNames: ['db', 'runInTransaction', 'Tx', 'Prisma'], message: msg.dbInService },
        { regex: PRISMA_CLIENT, message: msg.prismaValue, allowTypeImports: true },
      ]),
    },
  },
  {
    files: ['lib/**'],
    ignores: [...DB_ANYWHERE, ...SERVICE_LIKE],
    rules: {
      'layers/data-access': restrict([
        { regex: DB_MODULE, message: msg.dbElsewhere, allowTypeImports: true },
        { regex: PRISMA_CLIENT, message: msg.prismaValue, allowTypeImports: true },
      ]),
    },
  },
  {
    files: ['lib/**'],
    ignores: DB_ANYWHERE,
    rules: { 'no-restricted-syntax': ['error', ...G3_SYNTAX, ...QUERY_OUTSIDE_REPOSITORY] },
  },

  // --- components: only client-safe lib files -------------------------------------------------------------------
  {
    files: ['components/**'],
    rules: {
      'layers/client-imports': restrict([
        {
          regex: `^@/lib/(?!(${CLIENT_SAFE_LIB.join('|')})$)`,
          allowTypeImports: true,
          message:
            'Components may import from lib/ only *.actions, *.schema, *.dto, *.constants, lib/permissions, lib/core/app-error and the isomorphic helpers listed in eslint.config.mjs (STYLE.md §5.2). Data comes from the page as props or through a server action.',
        },
        { regex: String.raw`^(\.\./)+lib/`, message: 'Import lib through the @/lib/… alias so the boundary rules see it.' },
      ]),
    },
  },

  // --- no next/* in domain code (STYLE.md §5.2); lib/fhir and lib/sharing are planned -------------------------------
  {
    files: ['lib/records/**', 'lib/fhir/**', 'lib/sharing/**'],
    ignores: ['**/*.actions.ts', ...TESTS],
    rules: {
      'layers/no-next-in-domain': restrict([
        {
          regex: '^next(/|$)',
          message: 'Domain code does not depend on Next: throw AppError and let the page, route or action (*.actions.ts: next/cache) translate it.',
        },
      ]),
    },
  },

  // --- services take a Principal, not the web request (issue 10 §1, docs/decisions/0021) -------------------------------
  {
    files: ['lib/**/*.service.ts', 'lib/records/**', 'lib/jobs/**', 'lib/sharing/**', 'lib/fhir/**'],
    ignores: ['**/*.actions.ts', ...TESTS],
    rules: {
      'layers/no-web-in-services': restrict([
        { regex: '^next(/|$)|^next-auth(/|$)|^@auth/', message: 'Services run in workers too: no Next or next-auth. Take a Principal (lib/auth/principal.ts).' },
        {
          regex: String.raw`^@/lib/auth/(auth|guards)$`,
          message: 'Services take a Principal and check it with requirePermission from lib/auth/principal.ts; the guards and next-auth stay in the web layer.',
        },
        { regex: String.raw`^@/lib/auth/actor$`, allowTypeImports: true, message: 'Services take a Principal (lib/auth/principal.ts), not the request\'s session Actor.' },
      ]),
    },
  },

  // --- process.env only through env() --------------------------------------------------------------------------------
  {
    ignores: ENV_READERS,
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: envMessage }],
      'layers/env-import': restrict([{ regex: '^(node:)?process$', importNames: ['env'], message: envMessage }]),
    },
  },

  // --- zod only through lib/core/zod (its z.string() refuses control characters, issue 9 item 16) -------------------
  {
    files: ['app/**', 'components/**', 'lib/**', 'proxy.ts'],
    ignores: ['lib/core/**', ...TESTS],
    rules: {
      'layers/zod-import': restrict([
        {
          regex: '^zod(/|$)',
          allowTypeImports: true,
          message: "Import z from '@/lib/core/zod': its z.string() refuses NUL and other control characters in every text field.",
        },
      ]),
    },
  },

  // --- React hooks (UI code only: Playwright fixtures also call a function named `use`) --------------------------
  {
    files: ['app/**/*.tsx', 'components/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
