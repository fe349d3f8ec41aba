process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// A fresh state directory per test file, so no test reads or writes ~/.eksnet (claims would outlive the run).
if (!process.env.EKSNET_STATE_DIR) {
  process.env.EKSNET_STATE_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'eksnet-test-state-'));
}
