/**
 * The architecture check (`npm run arch`, part of `npm test`): the rules docs/ARCHITECTURE.md
 * describes. A violation fails the test run.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circles: a module never depends, even through others, on itself.',
      from: { path: '^(packages|functions|infra|bench)/' },
      to: { circular: true },
    },
    {
      name: 'no-package-internals',
      severity: 'error',
      comment:
        'Another package is reached only through its public entry (`@archive/<name>`, its src/index.ts), never by a path into its src/.',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/', pathNot: ['^packages/$1/', '^packages/[^/]+/src/index\\.ts$'] },
    },
    {
      name: 'no-package-internals-from-outside',
      severity: 'error',
      comment: 'functions/, infra/, bench/ and test/ import packages by name: only their public entry.',
      from: { pathNot: '^packages/' },
      to: { path: '^packages/[^/]+/src/', pathNot: '^packages/[^/]+/src/index\\.ts$' },
    },
    {
      name: 'packages-by-name',
      severity: 'error',
      comment: 'Another package is imported by its name (`@archive/core`), never by a relative path.',
      from: { path: '^packages/([^/]+)/' },
      to: { path: '^packages/', pathNot: '^packages/$1/', dependencyTypesNot: ['aliased-workspace'] },
    },
    {
      name: 'packages-by-name-from-outside',
      severity: 'error',
      comment: 'functions/, infra/, bench/ and test/ import packages by name, never by a relative path.',
      from: { pathNot: '^packages/' },
      to: { path: '^packages/', dependencyTypesNot: ['aliased-workspace'] },
    },
    {
      name: 'test-support-only-in-tests',
      severity: 'error',
      comment:
        "A package's testing/ folder (the single-index reference search, the exactness arbitraries) is test support: production code answers through the coordinator only.",
      from: { pathNot: ['\\.test\\.ts$', '/testing/'] },
      to: { path: '^packages/[^/]+/src/testing/' },
    },
    {
      name: 'pure-core',
      severity: 'error',
      comment:
        'The core and the search engine are pure: no AWS SDK, no hono, no Lambda types, no file system (adapters in store/, api/, local/ and functions/ do that).',
      from: { path: '^packages/(core|search)/src/', pathNot: '\\.test\\.ts$' },
      to: {
        path: [
          '^node_modules/(@aws-sdk|@types/aws-lambda|aws-lambda|hono|@hono)/',
          '^(node:)?fs(/promises)?$',
        ],
      },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)cdk\\.out/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    combinedDependencies: true,
  },
};
