// nock's interceptor patches Node's http module once per process, and its net-connect setting outlives a test
// file in an in-band run (Jest runs in band on a 2-core machine). A file that narrowed it (disableNetConnect,
// enableNetConnect('127.0.0.1')) would make the next file's interceptors unreachable: give every next file
// nock's default back.
afterAll(() => {
  require('nock').enableNetConnect();
});
