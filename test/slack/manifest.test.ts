// manifest.yaml: the slash command and interactivity on the route serverless.yml serves, the fewest scopes.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseYaml } from '../../src/util/yaml';

const parse = (text: string): any => parseYaml(text);

const root = path.join(__dirname, '..', '..');
const manifest = parse(readFileSync(path.join(root, 'manifest.yaml'), 'utf8'));
const serverless = parse(readFileSync(path.join(root, 'serverless.yml'), 'utf8'));

it('declares /eksnet and interactivity on the httpApi route of the slack function', () => {
  const route = serverless.functions.slack.events[0].httpApi;
  expect(route).toEqual({ method: 'POST', path: '/slack/events' });
  expect(manifest.features.slash_commands).toHaveLength(1);
  expect(manifest.features.slash_commands[0].command).toBe('/eksnet');
  expect(new URL(manifest.features.slash_commands[0].url).pathname).toBe(route.path);
  expect(manifest.settings.interactivity.is_enabled).toBe(true);
  expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe(route.path);
});

it('asks only for the scopes eksnet uses', () => {
  expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['chat:write', 'commands', 'usergroups:read']);
  expect(manifest.oauth_config.scopes.user).toBeUndefined();
});

it('serverless.yml: the slack function on nodejs22.x with the Lambda handler, the worker, and the demo snapshot packaged', () => {
  expect(serverless.provider.runtime).toBe('nodejs22.x');
  expect(serverless.functions.slack.handler).toBe('src/slack/lambda.handler');
  expect(serverless.functions.worker.handler).toBe('src/slack/worker.handler');
  expect(serverless.package.patterns).toContain('demo/snapshot/**');
  expect(serverless.plugins).toContain('serverless-esbuild');
  expect(Object.keys(serverless.provider.environment)).toEqual(expect.arrayContaining(['EKSNET_SNAPSHOT', 'SLACK_API_URL', 'EKSNET_WORKER_FUNCTION']));
});
