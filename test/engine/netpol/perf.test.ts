import { performance } from 'node:perf_hooks';
import type { Flow } from '../../../src/engine/types';
import { snapshotOf, World } from './builder';
import { largeClusterFlows, largeClusterObjects } from './large-world';

// CONTRACT §2 batch mode: "thousands of queries per second". The engine compiles policies once and
// memoises the policies selecting each pod, so one evaluate() stays far below a millisecond.

describe('performance at 5,000 pods and 2,000 policies', () => {
  it('evaluates 20,000 flows at well under 0.1 ms each on average', () => {
    const buildStart = performance.now();
    const w = new World(snapshotOf(largeClusterObjects()));
    const buildMs = performance.now() - buildStart;
    const flows: Flow[] = largeClusterFlows(20_000).map(([a, b, port, proto]) => w.flow(a, b, port, proto));

    const start = performance.now();
    const verdicts = new Map<string, number>();
    for (const f of flows) {
      for (const r of w.engine.evaluate(f)) verdicts.set(r.verdict, (verdicts.get(r.verdict) ?? 0) + 1);
    }
    const perFlowMs = (performance.now() - start) / flows.length;
    // eslint-disable-next-line no-console
    console.log(`netpol: build ${buildMs.toFixed(0)} ms; ${(perFlowMs * 1000).toFixed(1)} µs per evaluate; ${JSON.stringify([...verdicts])}`);
    // The mix must exercise both outcomes, or the timing says nothing.
    expect(verdicts.get('allow')).toBeGreaterThan(1000);
    expect(verdicts.get('deny')).toBeGreaterThan(1000);
    expect(perFlowMs).toBeLessThan(0.1);
  });
});
