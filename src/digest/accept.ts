import type { BaselineDocument } from '../baseline/documents';
import { diff } from '../drift/diff';
import type { Change } from '../model/result';
import { snapshotFromDocuments } from '../snapshot/load';
import type { Captured, Owner } from './owner';
import { applyCaptured } from './patch';

/** One change to accept: what drift reported, the object it is about, and that object as the change left it. */
export interface AcceptItem {
  change: Pick<Change, 'kind' | 'id' | 'change'>;
  owner: Owner;
  captured: Captured;
}

export type AcceptOutcome =
  /** The new baseline's documents: the old ones with exactly these changes applied. */
  | { kind: 'ok'; documents: BaselineDocument[]; applied: Pick<Change, 'kind' | 'id' | 'change'>[] }
  /** The baseline already holds every one of them (accepted before, or saved since). */
  | { kind: 'already' }
  /** Applying them would also accept these other changes (e.g. one env var of a DaemonSet whose other settings changed too). */
  | { kind: 'entangled'; others: Pick<Change, 'kind' | 'id' | 'change'>[] };

const changeKey = (c: Pick<Change, 'kind' | 'id' | 'change'>) => `${c.kind}\u0000${c.id}\u0000${c.change}`;

function load(docs: BaselineDocument[]) {
  return snapshotFromDocuments('baseline', docs.map((d) => ({ doc: d.doc, origin: d.file })));
}

/**
 * Derive a baseline that gains exactly the given changes: each owner's object (or its one rule, entry or
 * route) set to what the change left it as. Checked with drift itself: comparing the old baseline with the
 * new one must report exactly these changes — anything else would mean the baseline gained more (or less)
 * than was accepted, and nothing is returned to save.
 */
export function acceptIntoDocuments(documents: BaselineDocument[], items: AcceptItem[]): AcceptOutcome {
  let next = documents;
  for (const item of items) next = applyCaptured(next, item.owner, item.captured);
  const gained = diff(load(documents), load(next));
  if (gained.length === 0) return { kind: 'already' };
  const wanted = new Set(items.map((i) => changeKey(i.change)));
  const others = gained.filter((c) => !wanted.has(changeKey(c)));
  if (others.length) return { kind: 'entangled', others: others.map(({ kind, id, change }) => ({ kind, id, change })) };
  return { kind: 'ok', documents: next, applied: gained.map(({ kind, id, change }) => ({ kind, id, change })) };
}
