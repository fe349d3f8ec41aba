import { generateCluster } from '../../bench/generate';
import { snapshotFromDocuments } from '../../src/snapshot/load';
import { evaluateFlow, reachEngine, reachResult } from '../../src/engine/reach';
import { serviceMatrix } from '../../src/engine/matrix';
import { reachMap } from '../../src/engine/reach-map';
import { planQuery } from '../../src/resolve/flows';

// The Service matrix and the reach map answer from memoised flow classes and whole-namespace
// shortcuts; they must agree, cell by cell, with evaluating every flow in full.
function generated() {
  const cluster = generateCluster({ seed: 7, namespaces: 6, podsPerNamespace: 24, servicesPerNamespace: 6, policiesPerNamespace: 12, nodes: 12, securityGroups: 30, securityGroupRules: 300, subnets: 12 });
  return reachEngine(snapshotFromDocuments('generated', cluster.documents.map((d) => ({ doc: d.doc, origin: d.file }))));
}

function bruteForce(engine: ReturnType<typeof reachEngine>, from: string, to: string): string {
  try {
    return reachResult(planQuery(engine, from, to).flows.map((f) => evaluateFlow(engine, f))).verdict;
  } catch {
    return 'denied'; // nothing to check (no pods): the matrix counts such a pair as not reachable
  }
}

describe('Service matrix and reach map agree with full evaluation', () => {
  const engine = generated();
  const refs = engine.k8s.services.map((s) => `${s.metadata.namespace}/svc/${s.metadata.name}`);

  it('every cell of the matrix', () => {
    const matrix = serviceMatrix(engine);
    let reachable = 0;
    for (const cell of matrix.cells()) {
      const [fromNs, fromName] = cell.from.split('/');
      const [toNs, toName] = cell.to.split('/');
      expect(`${cell.from} → ${cell.to}: ${cell.verdict}`).toBe(`${cell.from} → ${cell.to}: ${bruteForce(engine, `${fromNs}/svc/${fromName}`, `${toNs}/svc/${toName}`)}`);
      if (cell.verdict !== 'denied') reachable++;
    }
    expect(matrix.size).toBe(refs.length * (refs.length - 1));
    expect(reachable).toBeGreaterThan(0); // the generated policies admit some pairs: both answers occur
    expect(reachable).toBeLessThan(matrix.size);
  });

  it('the reach map of a Service', () => {
    const from = refs[0]!;
    const map = reachMap(engine, from);
    for (const entry of map.reaches) {
      const [ns, name] = entry.service.split('/');
      expect(`${entry.service}: ${entry.verdict}`).toBe(`${entry.service}: ${bruteForce(engine, from, `${ns}/svc/${name}`)}`);
    }
    expect(map.reaches.length).toBeGreaterThan(0);
  });
});
