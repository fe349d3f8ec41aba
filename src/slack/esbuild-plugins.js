// esbuild plugins for the Lambda bundles (serverless.yml custom.esbuild.plugins, and bench/slack-bench.ts).
//
// The `slack` function must answer Slack within 3 s, so it never collects live state: that is the worker's
// job. Bundling the live collector (@kubernetes/client-node, the EC2 client: ~9 MB of JavaScript) into it
// would only slow every cold start, because V8 parses the whole bundle at require() time. For the slack
// entry point, what only live work uses (src/collect/index and aws-clients, the CloudTrail client) resolves
// to a stub that says where live collection runs (test/deploy/package.test.ts checks the bundle). Likewise
// Bolt's HTTP and Socket Mode receivers, which only the local dev runner uses (below).
'use strict';

const fs = require('node:fs');
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

// Bolt's App module requires both of its built-in receivers at load time: HTTPReceiver (with @slack/oauth,
// jsonwebtoken, semver, raw-body, iconv-lite, http-errors: ~1 MB of JavaScript) and SocketModeReceiver (with
// @slack/socket-mode, undici and ws). The Lambda function hands App its own receiver (AwsLambdaReceiver, see
// src/slack/lambda.ts), which App returns before it would build either one; the local runner (npm run
// slack:dev) bundles without these plugins and keeps both.
const receiverStub = (name, where) => `
Object.defineProperty(exports, '__esModule', { value: true });
exports.default = class ${name} {
  constructor() {
    throw new Error("Bolt's ${name} is not part of the Lambda bundle (the slack function uses AwsLambdaReceiver); ${where}");
  }
};
`;
const RECEIVER_STUBS = {
  HTTPReceiver: receiverStub('HTTPReceiver', 'serve HTTP locally with npm run slack:dev'),
  SocketModeReceiver: receiverStub('SocketModeReceiver', 'run Socket Mode locally with npm run slack:dev'),
};

const onlyAwsLambdaReceiverOnLambda = {
  name: 'eksnet-only-aws-lambda-receiver-on-lambda',
  setup(build) {
    if (!isSlackEntry(build)) return;
    build.onResolve({ filter: /^\.\/receivers\/(HTTPReceiver|SocketModeReceiver)$/ }, (args) =>
      /@slack[\\/]bolt[\\/]dist[\\/]App\.js$/.test(args.importer) ? { path: args.path.slice('./receivers/'.length), namespace: 'eksnet-receiver-stub' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'eksnet-receiver-stub' }, (args) => ({ contents: RECEIVER_STUBS[args.path], loader: 'js' }));
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

// Every bundle, every function: esbuild escapes non-ASCII characters in strings, templates, regular expressions
// and identifiers (charset "ascii", its default), but keeps comments as they are, and a few comments in the
// dependencies and in eksnet (arrows, dashes, quotes) are not ASCII. One such character makes the whole file a
// two-byte string for V8: Node decodes it to UTF-16 and V8 scans twice the bytes, ~10% of the slack function's
// module init (bench/bundle-bench.ts). Those characters can only be inside comments, so they are rewritten as
// \uXXXX text there, which changes no code (U+2028/U+2029 end a line in JavaScript: they become a newline).
const NON_ASCII = /[^\x00-\x7f]/;
const asciiComment = (c) => (c === '\u2028' || c === '\u2029' ? '\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const asciiOnlyBundles = {
  name: 'eksnet-ascii-only-bundles',
  setup(build) {
    if (build.initialOptions.charset === 'utf8') return;
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      if (!result.metafile || result.outputFiles) return;
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const out of Object.keys(result.metafile.outputs)) {
        if (!/\.[cm]?js$/.test(out)) continue;
        const file = path.resolve(cwd, out);
        const text = fs.readFileSync(file, 'utf8');
        if (NON_ASCII.test(text)) fs.writeFileSync(file, text.replace(new RegExp(NON_ASCII.source, 'g'), asciiComment));
      }
    });
  },
};

module.exports = [liveCollectorOnlyInWorker, onlyAwsLambdaReceiverOnLambda, upgradeWorkerOnlyInWorker, driftWorkerOnlyInWorker, asciiOnlyBundles];
