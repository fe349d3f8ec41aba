// esbuild plugins for the Lambda bundles (serverless.yml custom.esbuild.plugins, and bench/slack-bench.ts).
//
// The `slack` function must answer Slack within 3 s, so it never collects live state: that is the worker's
// job. Bundling the live collector (@kubernetes/client-node, the EC2 client: ~9 MB of JavaScript) into it
// would only slow every cold start, because V8 parses the whole bundle at require() time. For the slack
// entry point, what only live work uses (src/collect/index and aws-clients, the CloudTrail client) resolves
// to a stub that says where live collection runs (test/deploy/package.test.ts checks the bundle). Likewise
// @slack/socket-mode (with undici and ws), which Bolt's App module requires at load time although only
// Socket Mode (the local dev runner) uses it.
'use strict';

const path = require('node:path');

// What live collection needs, none of which the slack function runs: its stub throws where live work was
// asked for (the slack function hands live commands to the worker before any of this is reached).
const LIVE_ONLY_STUB = `
function liveOnly() {
  throw new Error('live collection runs in the worker function: set EKSNET_WORKER_FUNCTION for the slack function');
}
exports.collectSnapshot = async function collectSnapshot() { liveOnly(); };
exports.makeAwsClients = liveOnly;
exports.clusterCredentials = liveOnly;
exports.CloudTrailClient = class CloudTrailClient { constructor() { liveOnly(); } };
exports.LookupEventsCommand = class LookupEventsCommand { constructor() { liveOnly(); } };
`;

function isSlackEntry(build) {
  const entries = build.initialOptions.entryPoints;
  const list = Array.isArray(entries) ? entries : Object.values(entries || {});
  return list.some((e) => /src[\\/]slack[\\/]lambda(\.ts)?$/.test(typeof e === 'string' ? e : e.in));
}

/**
 * src/collect/index and src/collect/aws-clients, however they are imported (commands/source.ts,
 * commands/snapshot.ts and commands/drift.ts do so lazily), and the CloudTrail client (drift attribution
 * on a live cluster).
 */
const LIVE_ONLY_FILES = [path.resolve(__dirname, '..', 'collect', 'index'), path.resolve(__dirname, '..', 'collect', 'aws-clients')];

const liveCollectorOnlyInWorker = {
  name: 'eksnet-live-collector-only-in-worker',
  setup(build) {
    if (!isSlackEntry(build)) return;
    const stub = { path: 'eksnet-live-only-stub', namespace: 'eksnet-stub' };
    build.onResolve({ filter: /(^|[\\/])collect[\\/](index|aws-clients)(\.ts)?$/ }, (args) =>
      LIVE_ONLY_FILES.includes(path.resolve(args.resolveDir, args.path).replace(/\.ts$/, '')) ? stub : undefined,
    );
    build.onResolve({ filter: /^@aws-sdk\/client-cloudtrail$/ }, () => stub);
    build.onLoad({ filter: /.*/, namespace: 'eksnet-stub' }, () => ({ contents: LIVE_ONLY_STUB, loader: 'js' }));
  },
};

const SOCKET_MODE_STUB = `
class SocketModeClient {
  constructor() {
    throw new Error('Socket Mode is not part of the Lambda bundle; run it locally with npm run slack:dev');
  }
}
exports.SocketModeClient = SocketModeClient;
`;

const noSocketModeOnLambda = {
  name: 'eksnet-no-socket-mode-on-lambda',
  setup(build) {
    if (!isSlackEntry(build)) return;
    build.onResolve({ filter: /^@slack\/socket-mode$/ }, () => ({ path: 'socket-mode-stub', namespace: 'eksnet-socket-stub' }));
    build.onLoad({ filter: /.*/, namespace: 'eksnet-socket-stub' }, () => ({ contents: SOCKET_MODE_STUB, loader: 'js' }));
  },
};

// Add-on upgrades run in the worker too (src/slack/upgrade-dispatch.ts invokes it): the slack bundle leaves out the
// upgrade worker (EKS writes, the Kubernetes client) and its inline fallback says where upgrades run.
const UPGRADE_WORKER_STUB = `
exports.handleUpgradeWork = async function handleUpgradeWork() {
  throw new Error('add-on upgrades run in the worker function: set EKSNET_WORKER_FUNCTION for the slack function');
};
`;

const upgradeWorkerOnlyInWorker = {
  name: 'eksnet-upgrade-worker-only-in-worker',
  setup(build) {
    if (!isSlackEntry(build)) return;
    build.onResolve({ filter: /^\.\/upgrade-worker$/ }, (args) =>
      /src[\\/]slack[\\/]upgrade-dispatch\.ts$/.test(args.importer) ? { path: 'eksnet-upgrade-worker-stub', namespace: 'eksnet-upgrade-stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'eksnet-upgrade-stub' }, () => ({ contents: UPGRADE_WORKER_STUB, loader: 'js' }));
  },
};

// Drift accepts and snoozes are decided in the worker too (src/slack/drift-dispatch.ts invokes it): the slack bundle
// leaves out the drift worker (baseline derivation and verification), and its inline fallback says where they run.
const DRIFT_WORKER_STUB = `
exports.handleDriftWork = async function handleDriftWork() {
  throw new Error('drift accepts and snoozes run in the worker function: set EKSNET_WORKER_FUNCTION for the slack function');
};
`;

const driftWorkerOnlyInWorker = {
  name: 'eksnet-drift-worker-only-in-worker',
  setup(build) {
    if (!isSlackEntry(build)) return;
    build.onResolve({ filter: /^\.\/drift-worker$/ }, (args) =>
      /src[\\/]slack[\\/]drift-dispatch\.ts$/.test(args.importer) ? { path: 'eksnet-drift-worker-stub', namespace: 'eksnet-drift-stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'eksnet-drift-stub' }, () => ({ contents: DRIFT_WORKER_STUB, loader: 'js' }));
  },
};

module.exports = [liveCollectorOnlyInWorker, noSocketModeOnLambda, upgradeWorkerOnlyInWorker, driftWorkerOnlyInWorker];
