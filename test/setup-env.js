process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// No test touches the machine's ~/.eksnet: each test file gets its own empty state directory.
if (!process.env.EKSNET_STATE_DIR) {
  process.env.EKSNET_STATE_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'eksnet-state-'));
}
// A request that a test's client already abandoned (its timeout fired, the test ended) can reach nock's
// interceptor after the fact; the interceptor then emits NetConnectNotAllowedError on a socket nobody listens
// to any more, which would crash the whole in-band Jest run. The request itself already failed in its test;
// only this late echo is dropped.
if (!global.__eksnetLateNockGuard) {
  global.__eksnetLateNockGuard = true;
  process.on('uncaughtException', (err) => {
    const inner = err && (err.context || err);
    if (inner && inner.name === 'NetConnectNotAllowedError') return;
    throw err;
  });
}
