import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SnapshotDocument } from './index';

/** Lists what the last `writeSnapshot` wrote, so the next one can remove files it no longer writes. */
export const MANIFEST = '.eksnet-snapshot-files';

async function readManifest(dir: string): Promise<string[]> {
  try {
    return (await fs.readFile(path.join(dir, MANIFEST), 'utf8')).split('\n').filter((l) => l.trim() !== '');
  } catch {
    return [];
  }
}

function insideDir(dir: string, file: string): string {
  const full = path.resolve(dir, file);
  const rel = path.relative(path.resolve(dir), full);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`snapshot file ${file} is outside ${dir}`);
  return full;
}

/**
 * Write a snapshot directory (CONTRACT §1), creating it if needed. Files an earlier run wrote are
 * replaced (and removed when this run does not write them); other files in DIR are left alone.
 * Returns the relative file names written, sorted.
 */
export async function writeSnapshot(dir: string, documents: SnapshotDocument[]): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const files = [...new Set(documents.map((d) => d.file))].sort();
  if (files.length !== documents.length) throw new Error('two snapshot documents share a file name');
  const current = new Set(files);
  for (const old of await readManifest(dir)) {
    if (current.has(old)) continue;
    try {
      await fs.rm(insideDir(dir, old), { force: true });
    } catch {
      // A stale entry that points outside DIR is ignored, never followed.
    }
  }
  for (const { file, doc } of documents) {
    const full = insideDir(dir, file);
    await fs.mkdir(path.dirname(full), { recursive: true });
    const tmp = `${full}.tmp-${process.pid}`;
    await fs.writeFile(tmp, `${JSON.stringify(doc, null, 2)}\n`, 'utf8');
    await fs.rename(tmp, full);
  }
  await fs.writeFile(path.join(dir, MANIFEST), `${files.join('\n')}\n`, 'utf8');
  return files;
}
