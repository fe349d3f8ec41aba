import { DEMO, runCli } from './run-cli';

// Golden answers on the bundled demo snapshot (demo/snapshot/README.md explains each one).
// Layers not listed as denying must not deny.
describe('whoami-reach on the demo snapshot', () => {
  it.each([
    // [from, to, port, verdict, flows, denying layer → objects]
    ['shop/frontend', 'shop/checkout', '8080', 'allowed', 4, {}],
    [
      'shop/frontend',
      'shop/payments',
      undefined,
      'denied',
      2,
      {
        // https://kubernetes.io/docs/concepts/services-networking/network-policies/#isolated-and-non-isolated-pods
        'networkpolicy-egress': ['NetworkPolicy/shop/allow-dns-egress', 'NetworkPolicy/shop/default-deny-all', 'NetworkPolicy/shop/frontend-egress'],
        'networkpolicy-ingress': ['NetworkPolicy/shop/default-deny-all', 'NetworkPolicy/shop/payments-ingress'],
      },
    ],
    ['shop/checkout', 'shop/payments', undefined, 'allowed', 2, {}],
    // Security groups for pods: the branch ENI's groups apply, also on the same node in strict mode
    // (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html).
    ['shop/checkout', 'pci/card-vault', '8443', 'denied', 2, { 'security-group-ingress': ['sg-0ca4d5ec000000005'] }],
    ['shop/payments', 'pci/card-vault', '8443', 'allowed', 1, {}],
    // NACLs are stateless: the response on 32768-49151 is blocked (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html).
    ['shop/checkout', 'data/postgres', '5432', 'denied', 2, { 'nacl-return': ['acl-0c0570000000000c2'] }],
    ['shop/checkout', 'internet', '443', 'allowed', 2, {}],
    ['monitoring/blackbox-exporter', 'internet', '443', 'allowed', null, {}],
    ['monitoring/prometheus', 'shop/checkout', '8080', 'denied', 2, { 'networkpolicy-ingress': null }],
    ['data/postgres', 'kube-system/kube-dns', '53/udp', 'allowed', 2, {}],
    ['shop/payments', 'kube-system/kube-dns', '53/udp', 'allowed', 2, {}],
  ] as const)('%s → %s %s is %s', async (from, to, port, verdict, flows, denying) => {
    const r = await runCli(['whoami-reach', from, to, ...(port ? [port] : []), '--snapshot', DEMO, '--json']);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.verdict).toBe(verdict);
    if (flows !== null) expect(out.flows).toHaveLength(flows);
    const denied = new Map<string, Set<string>>();
    for (const f of out.flows) {
      for (const l of f.layers) {
        if (l.verdict !== 'deny') continue;
        const set = denied.get(l.layer) ?? new Set<string>();
        for (const o of l.objects) set.add(o);
        denied.set(l.layer, set);
        expect(l.objects.length).toBeGreaterThan(0); // every denying layer names what denies
      }
    }
    expect([...denied.keys()].sort()).toEqual(Object.keys(denying).sort());
    for (const [layer, objects] of Object.entries(denying)) {
      if (objects) expect([...denied.get(layer)!].sort()).toEqual([...(objects as readonly string[])].sort());
    }
  });

  it('prints exactly the contract JSON shape', async () => {
    const r = await runCli(['whoami-reach', 'shop/frontend', 'shop/payments', '--snapshot', DEMO, '--json']);
    const out = r.json();
    expect(Object.keys(out).sort()).toEqual(['flows', 'verdict']);
    for (const f of out.flows) {
      expect(Object.keys(f).sort()).toEqual(['from', 'layers', 'port', 'protocol', 'to', 'verdict']);
      expect(f.from).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/);
      expect(typeof f.port).toBe('number');
      expect(f.protocol).toBe('TCP');
      expect(f.layers.map((l: any) => l.layer)).toEqual([
        'networkpolicy-egress',
        'security-group-egress',
        'nacl-outbound',
        'route',
        'nacl-inbound',
        'security-group-ingress',
        'networkpolicy-ingress',
        'nacl-return',
      ]);
      for (const l of f.layers) {
        expect(Object.keys(l)).toEqual(['layer', 'verdict', 'reason', 'objects']);
        expect(['allow', 'deny', 'not-evaluated', 'not-enforced']).toContain(l.verdict);
        expect(typeof l.reason).toBe('string');
        expect(Array.isArray(l.objects)).toBe(true);
      }
    }
  });

  it('offers a NetworkPolicy fix for a denial, in the text output too', async () => {
    const r = await runCli(['whoami-reach', 'shop/frontend', 'shop/payments', '--snapshot', DEMO]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^⛔ DENIED/);
    expect(r.stdout).toContain('kind: NetworkPolicy');
    expect(r.stdout).toContain('✘ networkpolicy-ingress');
  });

  it('maps what one endpoint reaches and what reaches it', async () => {
    const r = await runCli(['whoami-reach', 'shop/checkout', '--snapshot', DEMO, '--json']);
    expect(r.code).toBe(0);
    const map = r.json();
    const reaches = Object.fromEntries(map.reaches.map((e: any) => [e.service, e.verdict]));
    expect(reaches['shop/payments']).toBe('allowed');
    expect(reaches['data/postgres']).toBe('denied');
    const reachedBy = Object.fromEntries(map.reachedBy.map((e: any) => [e.service, e.verdict]));
    expect(reachedBy['shop/frontend']).toBe('allowed');
    expect(reachedBy['monitoring/prometheus']).toBe('denied');
  });

  it('uses the bundled demo snapshot when nothing is configured, and says so in one line', async () => {
    const r = await runCli(['whoami-reach', 'shop/frontend', 'shop/checkout', '8080', '--json']);
    expect(r.code).toBe(0);
    expect(r.json().verdict).toBe('allowed');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/demo snapshot/);
  });

  it('reads EKSNET_SNAPSHOT', async () => {
    const r = await runCli(['whoami-reach', 'shop/frontend', 'shop/checkout', '8080', '--json'], { env: { EKSNET_SNAPSHOT: DEMO } });
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/demo snapshot/);
  });
});

describe('bad input is exit 2 with one line naming what was wrong', () => {
  it.each([
    [['whoami-reach', 'shop/nosuch', 'shop/checkout'], /unknown endpoint shop\/nosuch/],
    [['whoami-reach', 'shop/frontend', 'shop/checkout', '70000'], /bad port "70000"/],
    [['whoami-reach', 'shop/frontend', 'shop/checkout', 'nosuchport'], /has no port nosuchport/],
    [['whoami-reach', 'shop/frontend', 'internet'], /PORT is required/],
    [['whoami-reach', 'shop/frontend', 'shop/checkout', '--snapshot', '/nonexistent/snap'], /no such file/],
    [['whoami-reach'], /needs FROM/],
    [['whoami-reach', 'a', 'b', '--bogus'], /unknown option --bogus/],
    [['nosuchcommand'], /unknown command "nosuchcommand"/],
  ])('%j', async (argv, message) => {
    const r = await runCli([...argv, ...(argv.includes('--snapshot') ? [] : ['--snapshot', DEMO])]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('--help prints usage and exits 0', async () => {
    const r = await runCli(['whoami-reach', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: eksnet whoami-reach/);
  });
});

describe('command line forms a kubectl user expects', () => {
  it('takes global flags before the subcommand', async () => {
    const r = await runCli(['--snapshot', DEMO, '--json', 'whoami-reach', 'shop/frontend', 'shop/checkout', '8080']);
    expect(r.code).toBe(0);
    expect(r.json().verdict).toBe('allowed');
  });
  it('eksnet help COMMAND prints that command\'s usage', async () => {
    const r = await runCli(['help', 'whoami-reach']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: eksnet whoami-reach/);
  });
  it('the help examples are valid references', async () => {
    const r = await runCli(['whoami-reach', 'shop/svc/frontend', 'shop/deploy/payments', '9090/tcp', '--snapshot', DEMO, '--json']);
    expect(r.code).toBe(0);
  });
  it('an empty reference is bad input, not the reach map', async () => {
    const r = await runCli(['whoami-reach', 'shop/frontend', '', '--snapshot', DEMO]);
    expect(r.code).toBe(2);
  });
  it('a Service without a selector sends to its EndpointSlice endpoints', async () => {
    // https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors
    const r = await runCli(['whoami-reach', 'kube-system/coredns', 'default/kubernetes', '--snapshot', DEMO, '--json']);
    expect(r.code).toBe(0);
    expect([...new Set(r.json().flows.map((f: any) => `${f.to}:${f.port}`))].sort()).toEqual(['10.0.33.150:443', '10.0.65.150:443']);
  });
});
