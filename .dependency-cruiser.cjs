/**
 * Dependencies run one way (README "Code layout and dependency rules"):
 *
 *   util ← model ← snapshot / resolve / collect / state / baseline ← engine ← posture / drift / addons
 *        ← commands ← render ← cli / slack / jobs
 *
 * `npm run depcheck` (part of `npm test`) fails on a cycle or on an edge pointing back up this list.
 * Type-only imports count: a type is a dependency too.
 */
const UP_FROM_RESOLVE = '^(src/(engine|posture|drift|addons|render|slack|cli\\.ts)|commands|jobs)/?';
const UP_FROM_ENGINE = '^(src/(posture|drift|addons|render|slack|collect|state|cli\\.ts)|commands|jobs)/?';
const UP_FROM_CHECKS = '^(src/(render|slack|cli\\.ts)|commands|jobs)/?';

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
      to: { path: '^(src/(render|slack|cli\\.ts)|jobs)/?' },
    },
    {
      name: 'render-below-entry-points',
      severity: 'error',
      comment: 'Renderers never decide and never reach the entry points (CLI, Slack app, jobs).',
      from: { path: '^src/render/' },
      to: { path: '^(src/(slack|cli\\.ts)|jobs)/?' },
    },
    {
      name: 'entry-points-apart',
      severity: 'error',
      comment: 'cli, slack and jobs are siblings: jobs must not load Bolt through src/slack, and none imports another.',
      from: { path: '^(src/slack/|jobs/|src/cli[.]ts$)' },
      to: { path: '^(src/slack/|jobs/|src/cli[.]ts$)', pathNot: '^$1' },
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
