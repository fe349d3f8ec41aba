import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * The one place SDK clients get their HTTP handler: timeouts that actually fire. `requestTimeout` alone only
 * warns unless `throwOnRequestTimeout` is set ("a warning will be emitted unless throwOnRequestTimeout=true,
 * in which case a TimeoutError will be thrown" — smithy-typescript httpHandlerInitialization.ts), and
 * `connectionTimeout` defaults to 0 (off).
 */
export function awsRequestHandler(timeoutMs: number): NodeHttpHandler {
  return new NodeHttpHandler({ connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true });
}
