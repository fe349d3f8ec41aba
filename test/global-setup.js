// Every temporary file or directory a test run makes (mkdtemp under os.tmpdir(), by the tests, by the
// child processes they spawn, by the local S3/DynamoDB stand-ins) goes under one directory per run, which
// the teardown removes: a run leaves nothing in the machine's temporary directory.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

module.exports = async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'eksnet-test-run-'));
  process.env.EKSNET_TEST_TMP_ROOT = root;
  // os.tmpdir() reads TMPDIR on every call; Jest's workers (or the in-band run) see this process's env.
  process.env.TMPDIR = root;
};
