// Runs one Lambda handler from a bundle in this (fresh) process: node lambda-driver.js BUNDLE EVENT_FILE.
// Prints the handler's result as the last line, after a marker, so log lines before it do not matter.
'use strict';
const { readFileSync } = require('node:fs');
const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const { handler } = require(bundle);
Promise.resolve(handler(event, {})).then(
  (result) => {
    process.stdout.write('\n@@RESULT@@' + JSON.stringify(result === undefined ? null : result) + '\n');
  },
  (err) => {
    process.stderr.write(String((err && err.stack) || err) + '\n');
    process.exitCode = 1;
  },
);
