import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CORE_SCHEMA, loadAll as loadAllYaml, YAMLException } from 'js-yaml';
import { BadInputError } from '../util/errors';
import { escapeControl } from '../util/escape';
import { addDocument } from './recognise';
import { emptySnapshot, type Snapshot } from '../model/snapshot';

const SNAPSHOT_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Every snapshot file under `root` (a file or a directory, read recursively), sorted for a stable result. */
export async function listSnapshotFiles(root: string): Promise<string[]> {
  let stat;
  try {
    stat = await fs.stat(root);
  } catch (err) {
    throw new BadInputError(`snapshot ${root}: no such file or directory`, { cause: err });
  }
  if (stat.isFile()) return [root];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && SNAPSHOT_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(full);
    }
  };
  await walk(root);
  return out.sort();
}

function lineOfPosition(text: string, position: number): number {
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * The line of a JSON syntax error. V8 gives "at position N" for most errors but not for an
 * unexpected token; then find the shortest prefix of the text that already fails for a reason other
 * than ending early — JSON.parse reads left to right, so that prefix ends at the offending character.
 */
function jsonErrorLine(text: string, message: string): number {
  const m = /position (\d+)/.exec(message);
  if (m) return lineOfPosition(text, Number(m[1]));
  const failsInside = (p: number): boolean => {
    try {
      JSON.parse(text.slice(0, p));
      return false;
    } catch (err) {
      const msg = (err as Error).message;
      if (/Unexpected end of JSON input/.test(msg)) return false;
      const at = /position (\d+)/.exec(msg);
      return !at || Number(at[1]) < p;
    }
  };
  let lo = 1;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (failsInside(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lineOfPosition(text, lo - 1);
}

/** V8's message, without the quoted snippet of the input it appends. */
function jsonMessage(err: unknown): string {
  return (err as Error).message.replace(/, (\.\.\.)?"[\s\S]*$/, '').split('\n')[0]!;
}

/** Parse one file's text into its documents; a syntax error names the file and line. */
export function parseDocuments(file: string, raw: string): unknown[] {
  // A UTF-8 byte-order mark (Windows tools write one) is not part of the document.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const trimmed = text.trimStart();
  if (trimmed === '') return [];
  if (path.extname(file).toLowerCase() === '.json' || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return [JSON.parse(text)];
    } catch (err) {
      if (path.extname(file).toLowerCase() === '.json') {
        throw new BadInputError(`${file}:${jsonErrorLine(text, (err as Error).message)}: invalid JSON: ${jsonMessage(err)}`, { cause: err });
      }
      // YAML that merely starts with a flow collection: fall through to the YAML parser.
    }
  }
  // js-yaml: several times faster than `yaml` on kubectl-sized files. The core schema keeps
  // timestamps and the like as the strings kubectl printed.
  const out: unknown[] = [];
  try {
    loadAllYaml(text, (doc) => {
      if (doc !== null && doc !== undefined) out.push(doc);
    }, { schema: CORE_SCHEMA, filename: file });
  } catch (err) {
    if (!(err instanceof YAMLException)) throw err;
    // An error found only at the end of the input (an unclosed quote or bracket) points at the last line with text.
    const lastLine = text.trimEnd().split('\n').length;
    const line = Math.min((err.mark?.line ?? 0) + 1, lastLine);
    throw new BadInputError(`${file}:${line}: invalid YAML: ${err.reason ?? err.message.split('\n')[0]}`, { cause: err });
  }
  return out;
}

/** Load a snapshot from a file or directory (CONTRACT §1). */
export async function loadSnapshot(root: string): Promise<Snapshot> {
  const files = await listSnapshotFiles(root);
  const snap = emptySnapshot(root);
  let documents = 0;
  for (const file of files) {
    let text: string;
    try {
      text = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw new BadInputError(`${file}: cannot read: ${(err as Error).message}`, { cause: err });
    }
    const docs = parseDocuments(file, text);
    documents += docs.length;
    docs.forEach((doc, i) => addDocument(snap, doc, docs.length > 1 ? `${file} (document ${i + 1})` : file));
  }
  // Nothing to analyse is bad input, not a cluster without objects (which would allow everything).
  if (documents === 0) throw new BadInputError(`snapshot ${escapeControl(root)}: holds no documents (no *.yaml, *.yml or *.json file with a Kubernetes object or AWS API output)`);
  return finishSnapshot(snap);
}

/** Build a snapshot from in-memory documents (live collection uses the same recogniser). */
export function snapshotFromDocuments(source: string, docs: { doc: unknown; origin: string }[]): Snapshot {
  const snap = emptySnapshot(source);
  for (const { doc, origin } of docs) addDocument(snap, doc, origin);
  return finishSnapshot(snap);
}

function finishSnapshot(snap: Snapshot): Snapshot {
  dedupeK8s(snap);
  return snap;
}

/** The same object read twice (two files, a List and a single object) counts once; the last copy wins. */
function dedupeK8s(snap: Snapshot): void {
  for (const key of Object.keys(snap.k8s) as (keyof Snapshot['k8s'])[]) {
    const list = snap.k8s[key] as { metadata: { name: string; namespace?: string } }[];
    if (list.length < 2) continue;
    const byKey = new Map<string, (typeof list)[number]>();
    for (const o of list) byKey.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
    if (byKey.size !== list.length) (snap.k8s[key] as unknown[]) = [...byKey.values()];
  }
}
