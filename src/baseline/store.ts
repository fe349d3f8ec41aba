import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BadInputError } from '../util/errors';
import type { BaselineDocument } from './documents';

/** Written beside a saved baseline: which files eksnet wrote there (not a snapshot file: the loader skips it). */
export const MARKER = '.eksnet-baseline';

interface Marker {
  savedAt: string;
  files: string[];
}

function checkName(file: string): string {
  const normal = path.posix.normalize(file.replace(/\\/g, '/'));
  if (path.posix.isAbsolute(normal) || normal.startsWith('../') || normal === '..' || !/\.(json|ya?ml)$/i.test(normal)) {
    throw new Error(`baseline document name ${JSON.stringify(file)} must be a relative .json/.yaml path inside the baseline`);
  }
  return normal;
}

async function readMarker(dir: string): Promise<Marker | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(path.join(dir, MARKER), 'utf8')) as Marker;
    return Array.isArray(parsed.files) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Save a baseline: a snapshot directory (CONTRACT §1), so the directory is itself a valid
 * `eksnet drift --baseline` path. Files eksnet wrote there before are replaced; a non-empty directory
 * that eksnet did not write is refused rather than mixed into.
 */
export async function saveBaseline(dir: string, documents: BaselineDocument[], now: Date = new Date()): Promise<{ dir: string; files: string[] }> {
  const files = documents.map((d) => checkName(d.file));
  if (new Set(files).size !== files.length) throw new Error('baseline documents must have distinct file names');
  let existing: string[] = [];
  try {
    existing = await fs.readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new BadInputError(`cannot use ${dir} for a baseline: ${(err as Error).message}`, { cause: err });
  }
  const marker = existing.length ? await readMarker(dir) : undefined;
  if (existing.length && !marker) {
    throw new BadInputError(`${dir} is not empty and holds no eksnet baseline: choose a new or empty directory`);
  }
  await fs.mkdir(dir, { recursive: true });
  for (const old of marker?.files ?? []) {
    const safe = (() => {
      try {
        return checkName(old);
      } catch {
        return undefined;
      }
    })();
    if (safe) await fs.rm(path.join(dir, safe), { force: true });
  }
  for (const [i, d] of documents.entries()) {
    const target = path.join(dir, files[i]!);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, JSON.stringify(d.doc, null, 2) + '\n');
  }
  const record: Marker = { savedAt: now.toISOString(), files: [...files].sort() };
  await fs.writeFile(path.join(dir, MARKER), JSON.stringify(record, null, 2) + '\n');
  return { dir, files: record.files };
}
