#!/usr/bin/env node
'use strict';
// The AWS SDK prints a seven-line Node-version notice on stderr on Node < 22; the CLI keeps stderr to
// one-line messages (README: "Requirements" says which Node to use).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('../dist/src/cli.js').main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
