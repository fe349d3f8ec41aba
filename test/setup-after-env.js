// nock's interceptor patches Node's http module, which every test file of an in-band run shares (Jest runs in
// band on a 2-core machine), while each file loads its own nock. Left in place, each file's interceptor wraps
// the last one's: after some 60 files every request crossed 60 layers and a file could stall at 100% CPU.
// After each file: give back nock's default net-connect setting (a file that narrowed it, disableNetConnect or
// enableNetConnect('127.0.0.1'), would make the next file's interceptors unreachable), drop its interceptors,
// and take its patch off the http module (the next file's nock applies its own on load).
afterAll(() => {
  const nock = require('nock');
  nock.enableNetConnect();
  nock.cleanAll();
  nock.restore();
});
