process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// No test touches the machine's ~/.eksnet: each test file gets its own empty state directory.
if (!process.env.EKSNET_STATE_DIR) {
  process.env.EKSNET_STATE_DIR = require('node:fs').mkdtempSync(require('node:path').join(require('node:os').tmpdir(), 'eksnet-state-'));
}
