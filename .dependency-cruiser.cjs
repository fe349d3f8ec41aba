/**
 * Dependencies run one way (README "Code layout and dependency rules"):
 *
 *   util ← model ← snapshot / resolve / collect / state / baseline ← engine ← posture / drift / addons
 *        ← commands ← render ← cli / slack / jobs (jobs/ and src/scheduled/)
 *
 * `npm run depcheck` (part of `npm test`) fails on a cycle or on an edge pointing back up this list.
 * Type-only imports count: a type is a dependency too.
 */
const UP_FROM_RESOLVE = '^(src/(engine|posture|drift|addons|render|slack|scheduled|cli\\.ts)|commands|jobs)/?';
const UP_FROM_ENGINE = '^(src/(posture|drift|addons|render|slack|scheduled|collect|state|cli\\.ts)|commands|jobs)/?';
const UP_FROM_CHECKS = '^(src/(render|slack|scheduled|cli\\.ts)|commands|jobs)/?';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Modules must not import each other, directly or through others.', from: {}, to: { circular: true } },
    {
      name: 'util-is-a-leaf',
      severity: 'error',
      comment: 'src/util holds helpers every layer may use; it imports no other eksnet module.',
      from: { path: '^src/util/' },
      to: { path: '^(src|commands|jobs|bench|test)/', pathNot: '^src/util/' },
    },
    {
      name: 'model-is-the-bottom',
      severity: 'error',
      comment: 'src/model (types, CIDR maths, protocols, selectors, the cluster index) depends only on itself and src/util.',
      from: { path: '^src/model/' },
      to: { path: '^(src|commands|jobs|bench|test)/', pathNot: '^src/(model|util)/' },
    },
    {
      name: 'resolve-below-engine',
      severity: 'error',
      comment: 'snapshot/ and resolve/ turn files and references into the model; the engine builds on them, never the reverse.',
      from: { path: '^src/(snapshot|resolve)/' },
      to: { path: UP_FROM_RESOLVE },
    },
    {
      name: 'engine-below-checks',
      severity: 'error',
      comment: 'The engine is pure: it knows nothing of posture, drift, add-ons, commands, renderers, collection or the state store.',
      from: { path: '^src/engine/' },
      to: { path: UP_FROM_ENGINE },
    },
    {
      name: 'engine-no-sdk',
      severity: 'error',
      comment: 'The engine loads no SDK or Bolt at run time (type-only imports of AWS data shapes are fine).',
      from: { path: '^src/engine/' },
      to: { path: 'node_modules/(@aws-sdk|@smithy|@slack|@kubernetes)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'checks-below-commands',
      severity: 'error',
      comment: 'posture/, drift/ and addons/ are used by commands; they never import commands, renderers or entry points.',
      from: { path: '^src/(posture|drift|addons|baseline)/' },
      to: { path: UP_FROM_CHECKS },
    },
    {
      name: 'commands-below-render',
      severity: 'error',
      comment: 'Commands return typed results; renderers and entry points import them, not the reverse.',
      from: { path: '^commands/' },
      to: { path: '^(src/(render|slack|scheduled|cli\\.ts)|jobs)/?' },
    },
    {
      name: 'render-below-entry-points',
      severity: 'error',
      comment: 'Renderers never decide and never reach the entry points (CLI, Slack app, jobs).',
      from: { path: '^src/render/' },
      to: { path: '^(src/(slack|scheduled|cli\\.ts)|jobs)/?' },
    },
    {
      name: 'jobs-without-bolt',
      severity: 'error',
      comment: 'The scheduled jobs (jobs/ and their logic in src/scheduled/) must not load Bolt through src/slack, nor the CLI.',
      from: { path: '^(jobs|src/scheduled)/' },
      to: { path: '^(src/slack/|src/cli[.]ts$)' },
    },
    {
      name: 'slack-apart',
      severity: 'error',
      comment: 'The Slack app imports neither the jobs nor the CLI.',
      from: { path: '^src/slack/' },
      to: { path: '^(jobs/|src/scheduled/|src/cli[.]ts$)' },
    },
    {
      name: 'cli-without-bolt',
      severity: 'error',
      comment: 'The CLI never loads the Slack app (it may run a scheduled job in-process: `eksnet jobs run`, CONTRACT §2).',
      from: { path: '^src/cli[.]ts$' },
      to: { path: '^(src/slack/|jobs/)' },
    },
    {
      name: 'no-test-code-in-product',
      severity: 'error',
      from: { path: '^(src|commands|jobs)/' },
      to: { path: '^(test|bench)/' },
    },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
