// Helpers for tests that compare the scoped impact with the full evaluation of every cell.
import type { Service } from '../../src/model/k8s';
import type { Snapshot } from '../../src/model/snapshot';
import { assessChange, computeImpact, type ImpactReport } from '../../src/impact';

/**
 * The impact as `eksnet drift` computes it (scoped cells, shortcuts, memos shared between the states) and the
 * reference for the same changes: every cell, every pod flow, layer by layer.
 */
export function scopedAndFull(before: Snapshot, after: Snapshot): { scoped: ReturnType<typeof assessChange>; full: ImpactReport } {
  const scoped = assessChange(before, after);
  const full = computeImpact(before, after, scoped.changes.map((c) => ({ ...c, summary: '', impact: undefined })), { cells: 'all', evaluation: 'full' });
  return { scoped, full };
}

/** A Service selecting app=NAME, port 80 to the pods' 8080. */
export function service(name: string, namespace = 'shop'): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
  };
}
