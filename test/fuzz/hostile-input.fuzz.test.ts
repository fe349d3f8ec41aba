// Issue 10: a seeded fuzz test. Random and mutated snapshots go through the CLI; random and mutated request
// bodies go through the `slack` Lambda handler. Whatever the input: bad input is exit 2 with one line (never a
// crash, exit 1, a stack trace or a hang), a request is answered below 500, and nothing is written.
// Bounded: a fixed number of cases per seed and a time budget; the seed is printed so a failure can be replayed.
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadAll } from 'js-yaml';
import { prng } from '../../bench/generate/random';
import { handler } from '../../src/slack/lambda';
import { DEMO, runCli } from '../cli/run-cli';
import { buttonBody, httpApiEvent, slashBody, freshSlackPerTest } from '../slack/helpers';

const SEED = Number(process.env.EKSNET_FUZZ_SEED ?? 20261206);
const SNAPSHOT_CASES = Number(process.env.EKSNET_FUZZ_CASES ?? 120);
const REQUEST_CASES = Number(process.env.EKSNET_FUZZ_CASES ?? 300);
const BUDGET_MS = 25_000;

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

/** Values an attacker or a careless editor might leave in a field. */
function junk(r: Rand): unknown {
  return pick(r, [
    () => Math.floor(r() * 200_000) - 100_000,
    () => pick(r, [0, -1, 65536, 70000, 32767, 32768, 40000, 1.5, Number.MAX_SAFE_INTEGER]),
    () => pick(r, ['', 'ICMP', 'tcpx', 'permit', '10.0.0.0/33', '::/0', '2001:db8::/200', '10.0/8', 'Like', 'Ingres', 'x'.repeat(300)]),
    () => 'a\u001b[2J\r\nb\u009b' + String(Math.floor(r() * 1000)),
    () => null,
    () => [],
    () => ({}),
    () => true,
    () => [junk(r)],
    () => ({ [pick(r, ['key', 'operator', 'values', 'cidr', 'port', 'x'])]: junk(r) }),
  ])();
}

/** Change one random place of a document: set junk, delete a key, or duplicate a list item. */
function mutate(doc: unknown, r: Rand): unknown {
  if (doc === null || typeof doc !== 'object' || r() < 0.15) return junk(r);
  if (Array.isArray(doc)) {
    if (doc.length === 0) return [junk(r)];
    const i = Math.floor(r() * doc.length);
    if (r() < 0.1) return [...doc, doc[i]];
    const copy = [...doc];
    copy[i] = mutate(doc[i], r);
    return copy;
  }
  const keys = Object.keys(doc);
  if (keys.length === 0) return { [pick(r, ['spec', 'items', 'Entries'])]: junk(r) };
  const key = pick(r, keys);
  const copy: Record<string, unknown> = { ...(doc as Record<string, unknown>) };
  if (r() < 0.1) delete copy[key];
  else copy[key] = mutate(copy[key], r);
  return copy;
}

/** A random document of any shape. */
function randomDoc(r: Rand, depth = 0): unknown {
  if (depth > 3 || r() < 0.3) return junk(r);
  if (r() < 0.5) return Array.from({ length: Math.floor(r() * 4) }, () => randomDoc(r, depth + 1));
  const keys = ['apiVersion', 'kind', 'metadata', 'spec', 'items', 'SecurityGroups', 'NetworkAcls', 'Subnets', 'Reservations', 'Entries', 'cluster', 'addons', 'EksnetCollection', 'x'];
  const out: Record<string, unknown> = {};
  for (let i = 0; i < 1 + Math.floor(r() * 4); i++) out[pick(r, keys)] = randomDoc(r, depth + 1);
  if (r() < 0.4) Object.assign(out, { apiVersion: 'v1', kind: pick(r, ['NetworkPolicy', 'Service', 'Pod', 'List', 'PodList', 'SecurityGroupPolicy', 'Namespace']) });
  return out;
}

/** Every file of a directory tree (relative path → content), to show nothing was written. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const SOURCE_FILES = ['aws/network-acls.json', 'aws/security-groups.json', 'aws/subnets.json', 'aws/network-interfaces.json', 'aws/route-tables.json', 'aws/vpcs.json', 'k8s/networkpolicies.yaml', 'k8s/securitygrouppolicies.yaml', 'k8s/services.yaml', 'k8s/namespaces.yaml', 'k8s/pods/shop.yaml', 'eksnet-collection.json'];

describe(`fuzz (seed ${SEED})`, () => {
  it('random and mutated snapshots: exit 0 or 2, one line for bad input, no stack trace, nothing written', async () => {
    const r = prng(SEED);
    const docs = SOURCE_FILES.map((f) => {
      const text = readFileSync(path.join(DEMO, f), 'utf8');
      return { file: f.replace(/\.ya?ml$/, '.json'), docs: f.endsWith('.json') ? [JSON.parse(text)] : (loadAll(text) as unknown[]) };
    });
    const stateDir = mkdtempSync(path.join(tmpdir(), 'eksnet-fuzz-state-'));
    const started = Date.now();
    let badInput = 0;
    let cases = 0;
    for (; cases < SNAPSHOT_CASES && Date.now() - started < BUDGET_MS; cases++) {
      const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-fuzz-snap-'));
      if (r() < 0.2) {
        // A snapshot of random documents (or random text).
        for (let i = 0; i < 1 + Math.floor(r() * 3); i++) {
          writeFileSync(path.join(dir, `r${i}.${r() < 0.8 ? 'json' : 'yaml'}`), r() < 0.8 ? JSON.stringify(randomDoc(r)) : String.fromCharCode(...Array.from({ length: 40 }, () => Math.floor(r() * 128))));
        }
      } else {
        const victims = new Set(Array.from({ length: 1 + Math.floor(r() * 2) }, () => Math.floor(r() * docs.length)));
        docs.forEach((d, i) => {
          mkdirSync(path.dirname(path.join(dir, d.file)), { recursive: true });
          const content = victims.has(i) ? d.docs.map((doc) => mutate(doc, r)) : d.docs;
          writeFileSync(path.join(dir, d.file), content.length === 1 ? JSON.stringify(content[0]) : JSON.stringify({ apiVersion: 'v1', kind: 'List', items: content }));
        });
      }
      const before = tree(dir);
      const argv = r() < 0.5 ? ['posture', '--snapshot', dir] : ['whoami-reach', 'shop/frontend', 'shop/payments', '--snapshot', dir, '--json'];
      const run = await runCli(argv, { env: { EKSNET_STATE_DIR: stateDir } });
      const where = `seed ${SEED} case ${cases} (${dir}): exit ${run.code}: ${run.stderr.slice(0, 400)}`;
      if (![0, 2].includes(run.code)) throw new Error(`unexpected exit status; ${where}`);
      if (run.code === 2) {
        badInput++;
        if (run.stderr.split('\n').filter(Boolean).length !== 1 || !run.stderr.startsWith('eksnet: ')) throw new Error(`not one line; ${where}`);
        if (run.stdout !== '') throw new Error(`output on bad input; ${where}`);
      }
      if (/\n\s+at .+\(.*:\d+:\d+\)/.test(run.stderr)) throw new Error(`stack trace; ${where}`);
      if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(run.stderr)) throw new Error(`control character on stderr; ${where}`);
      expect(tree(dir)).toEqual(before);
    }
    expect(readdirSync(stateDir)).toEqual([]);
    // The mutations are hostile enough to be refused often, and the loop ran.
    expect(cases).toBeGreaterThan(20);
    expect(badInput).toBeGreaterThan(cases / 4);
  }, 60_000);

  describe('requests', () => {
    const logs = freshSlackPerTest(['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON']);

    it('random and mutated bodies, signed or not: never a 5xx, unsigned always 4xx, no stack trace in the logs', async () => {
      const r = prng(SEED + 1);
      const valid = [slashBody('whoami-reach shop/frontend shop/payments'), slashBody('help'), buttonBody('eksnet_share', JSON.stringify({ c: 'posture', a: [] })), buttonBody('eksnet_retired', 'x')];
      const chars = '=&%{}[]":,payloadcommand/\\\u0000\u001b\r\n+ ';
      const started = Date.now();
      let cases = 0;
      for (; cases < REQUEST_CASES && Date.now() - started < BUDGET_MS; cases++) {
        let body: string;
        const base = pick(r, valid);
        const roll = r();
        if (roll < 0.25) body = Array.from({ length: Math.floor(r() * 200) }, () => pick(r, [...chars])).join('');
        else if (roll < 0.6) {
          // Flip, insert or cut characters of a valid body.
          const a = [...base];
          for (let i = 0; i < 1 + Math.floor(r() * 5); i++) {
            const at = Math.floor(r() * a.length);
            const op = r();
            if (op < 0.4) a[at] = pick(r, [...chars]);
            else if (op < 0.7) a.splice(at, 0, pick(r, [...chars]));
            else a.splice(at, Math.floor(r() * 20));
          }
          body = a.join('');
        } else {
          // A structurally mutated payload or form.
          const form = new URLSearchParams(base);
          if (form.has('payload')) form.set('payload', JSON.stringify(mutate(JSON.parse(form.get('payload')!), r)));
          else {
            const key = pick(r, [...form.keys()]);
            if (r() < 0.3) form.delete(key);
            else form.set(key, String(junk(r)));
          }
          body = form.toString();
        }
        const signed = r() < 0.7;
        const event = httpApiEvent(body, signed ? {} : { signature: 'v0=' + Math.floor(r() * 1e9).toString(16).padStart(64, '0') });
        if (r() < 0.1) event.headers!['content-type'] = pick(r, ['application/json', 'text/plain', 'application/x-www-form-urlencoded; charset=utf-8']);
        const res = await Promise.race([handler(event, {}), new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`seed ${SEED} request case ${cases}: no answer within 5 s`)), 5000))]);
        const where = `seed ${SEED} request case ${cases} (${signed ? 'signed' : 'unsigned'}): ${JSON.stringify([...new URLSearchParams(body)]).slice(0, 3000)} → ${res.statusCode}`;
        if (res.statusCode >= 500) throw new Error(`5xx; ${where}`);
        if (!signed && (res.statusCode < 400 || res.statusCode >= 500)) throw new Error(`unsigned not refused; ${where}`);
      }
      expect(cases).toBeGreaterThan(50);
      expect(logs.lines.join('\n')).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }, 60_000);
  });
});
