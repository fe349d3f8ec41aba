import type { IpPermission } from '@aws-sdk/client-ec2';
import type { Flow } from '../../../src/engine/types';
import { World, entry, perm, tcp } from './world';

/** 5,000 pods on 170 nodes in 60 subnets, 300 security groups with 5,000 rules, a 20-entry NACL per subnet. */
function bigWorld(): World {
  const w = new World('10.0.0.0/16');
  const subnets = 60;
  for (let s = 0; s < subnets; s++) {
    w.subnet(`subnet-${s}`, `10.0.${s}.0/24`);
    const entries = [];
    for (let r = 0; r < 9; r++) {
      entries.push(entry(10 + r * 10, false, 'deny', `10.0.${(s + r + 1) % subnets}.0/24`, '6', [22, 22]));
      entries.push(entry(10 + r * 10, true, 'deny', `10.0.${(s + r + 1) % subnets}.0/24`, '6', [23, 23]));
    }
    entries.push(entry(500, false, 'allow', '10.0.0.0/16'), entry(500, true, 'allow', '0.0.0.0/0'), entry(510, false, 'allow', '0.0.0.0/0', '6', [1024, 65535]));
    w.nacl(`acl-${s}`, [`subnet-${s}`], entries);
    w.routeTable(`rtb-${s}`, [`subnet-${s}`], [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' }]);
  }
  w.routeTable('rtb-nat', ['subnet-nat'], [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }]);
  w.natGateway('nat-1', 'subnet-nat');
  let rules = 0;
  for (let g = 0; g < 300; g++) {
    const ingress: IpPermission[] = [];
    for (let r = 0; r < 16; r++, rules++) {
      ingress.push(r % 3 === 0 ? tcp(8000 + r, { group: `sg-${(g + r) % 300}` }) : tcp(8000 + r, { cidr: `10.0.${(g + r) % 60}.0/24` }));
    }
    w.sg(`sg-${g}`, ingress, [tcp(443, { cidr: '0.0.0.0/0' }), perm('tcp', 8000, 8010, { cidr: '10.0.0.0/16' })]);
    rules += 2;
  }
  for (let n = 0; n < 170; n++) {
    const s = n % subnets;
    w.node(`n${n}`, { subnet: `subnet-${s}`, ip: `10.0.${s}.${200 + Math.floor(n / subnets)}`, groups: [`sg-${n % 300}`, `sg-${(n * 7) % 300}`] });
  }
  for (let p = 0; p < 5000; p++) {
    const n = p % 170;
    const s = n % subnets;
    w.pod(`ns${p % 40}/pod-${p}`, { node: `n${n}`, ip: `10.0.${s}.${1 + Math.floor(p / 170)}` });
  }
  expect(rules).toBeGreaterThanOrEqual(5000);
  return w;
}

it('evaluates thousands of flows per second on 5,000 pods / 300 groups / 60 subnets', () => {
  const w = bigWorld();
  const t0 = performance.now();
  const engine = w.engine();
  const buildMs = performance.now() - t0;
  const flows: Flow[] = [];
  for (let i = 0; i < 20000; i++) {
    const a = (i * 7919) % 5000;
    const b = (i * 104729 + 13) % 5000;
    const to = i % 10 === 0 ? 'internet' : `ns${b % 40}/pod-${b}`;
    flows.push(w.flow(`ns${a % 40}/pod-${a}`, to, to === 'internet' ? 443 : 8000 + (i % 20)));
  }
  const t1 = performance.now();
  let denied = 0;
  for (const f of flows) if (engine.evaluate(f).some((l) => l.verdict === 'deny')) denied++;
  const seconds = (performance.now() - t1) / 1000;
  const perSecond = Math.round(flows.length / seconds);
  console.log(`AWS engine: build ${buildMs.toFixed(0)} ms, ${flows.length} flows in ${(seconds * 1000).toFixed(0)} ms = ${perSecond} flows/s (${denied} denied)`);
  expect(denied).toBeGreaterThan(0);
  expect(denied).toBeLessThan(flows.length);
  expect(perSecond).toBeGreaterThan(2000);
});
