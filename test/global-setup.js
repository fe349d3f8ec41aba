// Runs once in Jest's own process (setupFiles run inside each test file's sandbox, whose `process` listeners
// are gone once the file is torn down). With one worker (two cores) every test file runs in this process too,
// so a request that a finished test abandoned, and that nock refuses after the file's teardown, would crash
// the whole run with NetConnectNotAllowedError on a socket nobody listens to. Only that late echo is dropped;
// anything else still ends the process as it would without this listener.
module.exports = async () => {
  if (global.__eksnetLateNockGuardMain) return;
  global.__eksnetLateNockGuardMain = true;
  const guard = (err) => {
    const inner = err && (err.context || err);
    if (inner && inner.name === 'NetConnectNotAllowedError') return;
    if (process.listenerCount('uncaughtException') === 1) {
      process.removeListener('uncaughtException', guard);
      throw err;
    }
  };
  process.on('uncaughtException', guard);
};
