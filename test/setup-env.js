process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Tests never write state (claims, caches) under the real home directory: each test file gets its own.
if (!process.env.EKSNET_STATE_DIR) {
  process.env.EKSNET_STATE_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'eksnet-test-state-'));
}
