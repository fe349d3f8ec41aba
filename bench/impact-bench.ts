/**
 * Impact benchmark (issue 11): the engine benchmark's 5,000-pod cluster as a baseline, and a current
 * state with 20 changed objects (NetworkPolicies, security-group rules, NACL entries, routes, namespace
 * labels). Times `eksnet drift`'s impact — the diff, both engines, the cells the changes can move, the
 * attribution — and prints a table, then one JSON line: {"impactMs","cells","opened","closed","changes","peakRssMb","scale"}.
 *
 *   npm run bench:impact            # table + JSON line
 *   npm run bench:impact -- --json  # the JSON line only
 *   npm run bench:impact -- --scale 10 --json   # the engine benchmark's cluster 10 times larger (issue 14):
 *                                               # 50,000 pods, 10,000 Services, 20,000 NetworkPolicies, 3,000 groups
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import type { Snapshot } from '../src/model/snapshot';
import { loadSnapshot } from '../src/snapshot/load';
import { assessDrift } from '../src/impact';
import { argValue, peakRssMb } from './measure';

const TARGETS = { impactMs: 5000, peakRssMb: 600 };
/** At 10x (issue 14): "the impact of 20 changes < 30 s", within the 2 GB a Lambda can have. */
const SCALED_TARGETS = { impactMs: 30000, peakRssMb: 2048 };

/** Twenty changed objects of five kinds, chosen deterministically from the generated cluster. */
function changeTwentyObjects(s: Snapshot): string[] {
  const changed: string[] = [];
  const nps = s.k8s.networkPolicies.filter((n) => (n.spec.ingress?.length ?? 0) > 0);
  // 4 NetworkPolicies now admit every source; 4 are deleted.
  for (const np of nps.filter((_, i) => i % 97 === 0).slice(0, 4)) {
    np.spec.ingress = [{}];
    changed.push(`NetworkPolicy ${np.metadata.namespace}/${np.metadata.name} modified`);
  }
  const doomed = new Set(nps.filter((_, i) => i % 89 === 5).slice(0, 4));
  s.k8s.networkPolicies = s.k8s.networkPolicies.filter((n) => !doomed.has(n));
  for (const np of doomed) changed.push(`NetworkPolicy ${np.metadata.namespace}/${np.metadata.name} removed`);
  // 5 security groups admit HTTPS from anywhere.
  for (const g of s.aws.securityGroups.filter((_, i) => i % 60 === 2).slice(0, 5)) {
    (g.IpPermissions ??= []).push({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
    changed.push(`SecurityGroupRule ${g.GroupId} added`);
  }
  // 3 NACLs deny TCP 8080 from inside the VPC ahead of their allow rules.
  for (const acl of s.aws.networkAcls.filter((a) => !a.IsDefault).slice(0, 3)) {
    acl.Entries!.push({ RuleNumber: 99, Egress: false, Protocol: '6', CidrBlock: '10.0.0.0/16', RuleAction: 'deny', PortRange: { From: 8080, To: 8080 } });
    changed.push(`NetworkAclEntry ${acl.NetworkAclId}/ingress/99 added`);
  }
  // 2 private route tables lose their default route.
  for (const t of s.aws.routeTables.filter((r) => (r.Routes ?? []).some((x) => x.NatGatewayId)).slice(0, 2)) {
    t.Routes = (t.Routes ?? []).filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0');
    changed.push(`RouteTable ${t.RouteTableId} route removed`);
  }
  // 2 namespaces change labels that namespaceSelectors read.
  for (const ns of s.k8s.namespaces.filter((n) => n.metadata.labels?.env).slice(0, 2)) {
    ns.metadata.labels = { ...ns.metadata.labels, env: ns.metadata.labels!.env === 'prod' ? 'staging' : 'prod' };
    changed.push(`Namespace ${ns.metadata.name} labels`);
  }
  return changed;
}

async function main(): Promise<void> {
  const jsonOnly = process.argv.includes('--json');
  const scale = Number(argValue('--scale') ?? 1);
  if (!Number.isInteger(scale) || scale < 1) {
    console.error(`--scale must be a whole number from 1 (got ${argValue('--scale')})`);
    process.exitCode = 2;
    return;
  }
  const targets = scale === 1 ? TARGETS : SCALED_TARGETS;
  const log = (t: string) => {
    if (!jsonOnly) console.log(t);
  };
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-impact-bench-'));
  const gen = spawnSync(process.execPath, [path.join(__dirname, 'generate.js'), dir, '--scale', String(scale)], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (gen.status !== 0) throw new Error('generating the benchmark cluster failed');
  const baseline = await loadSnapshot(dir);
  const current = await loadSnapshot(dir);
  rmSync(dir, { recursive: true, force: true });
  const changed = changeTwentyObjects(current);
  log(`cluster: ${baseline.k8s.pods.length} pods, ${baseline.k8s.services.length} services; ${changed.length} changed objects`);

  const t = performance.now();
  const report = assessDrift(baseline, current);
  const impactMs = performance.now() - t;
  const moved = report.changes.filter((c) => (c.impact?.length ?? 0) > 0).length;
  log(`drift: ${report.changes.length} changes (${moved} moved flows), ${report.impact.cellsEvaluated} cells evaluated, ${report.impact.opened.length} flows opened, ${report.impact.closed.length} closed`);
  const figures = {
    impactMs: Math.round(impactMs),
    cells: report.impact.cellsEvaluated,
    opened: report.impact.opened.length,
    closed: report.impact.closed.length,
    changes: report.changes.length,
    peakRssMb: peakRssMb(),
    scale,
  };
  if (!jsonOnly) {
    console.log('');
    console.log('figure      value     target');
    for (const [k, target] of Object.entries(targets)) {
      const v = figures[k as keyof typeof figures];
      console.log(`${k.padEnd(11)} ${String(v).padStart(7)}   < ${target}  ${v <= target ? 'ok' : 'MISSED'}`);
    }
  }
  console.log(JSON.stringify(figures));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
