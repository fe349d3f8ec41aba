import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  checkDocumentKey,
  checkKey,
  isLive,
  nowSeconds,
  type PutOptions,
  type QueryOptions,
  type StateStore,
  type StoredRecord,
} from './types';

/** File names for keys: percent-encoding keeps every key a single, safe path segment. */
function encode(key: string): string {
  return encodeURIComponent(key).replace(/\./g, '%2E').replace(/\*/g, '%2A');
}

function decode(name: string): string {
  return decodeURIComponent(name);
}

const LOCK_WAIT_MS = 10_000;
/** A lock older than this was left by a process that died; it is broken. */
const STALE_LOCK_MS = 30_000;

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/**
 * The local directory store (EKSNET_STATE_DIR, default ~/.eksnet): the embedded default for the CLI and
 * local runs. Conditional writes hold a per-record lock (an atomic `mkdir`) across processes; files are
 * replaced by rename, so a reader never sees half a record.
 */
export class LocalStateStore implements StateStore {
  constructor(
    readonly root: string,
    private readonly now: () => number = Date.now,
  ) {}

  describe(): string {
    return `local directory ${this.root}`;
  }

  async init(): Promise<string[]> {
    const created: string[] = [];
    for (const dir of [this.root, path.join(this.root, 'records'), path.join(this.root, 'documents')]) {
      try {
        await fs.mkdir(dir, { mode: 0o700 });
        created.push(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    return created;
  }

  private recordDir(pk: string): string {
    return path.join(this.root, 'records', encode(checkKey('partition', pk)));
  }

  private recordFile(pk: string, sk: string): string {
    return path.join(this.recordDir(pk), `${encode(checkKey('sort', sk))}.json`);
  }

  private async read<T>(file: string): Promise<StoredRecord<T> | undefined> {
    try {
      return JSON.parse(await fs.readFile(file, 'utf8')) as StoredRecord<T>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  private async withLock<R>(file: string, fn: () => Promise<R>): Promise<R> {
    const lock = `${file}.lock`;
    const started = Date.now();
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    for (;;) {
      try {
        await fs.mkdir(lock);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const stat = await fs.stat(lock).catch(() => undefined);
        if (stat && Date.now() - stat.mtimeMs > STALE_LOCK_MS) {
          await fs.rm(lock, { recursive: true, force: true });
          continue;
        }
        if (Date.now() - started > LOCK_WAIT_MS) throw new Error(`state record ${file} stayed locked for ${LOCK_WAIT_MS / 1000} s`);
        await sleep(5 + Math.random() * 20);
      }
    }
    try {
      return await fn();
    } finally {
      await fs.rm(lock, { recursive: true, force: true });
    }
  }

  private async writeAtomic(file: string, body: string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, body, { mode: 0o600 });
    await fs.rename(tmp, file);
  }

  async getRecord<T>(pk: string, sk: string): Promise<StoredRecord<T> | undefined> {
    const record = await this.read<T>(this.recordFile(pk, sk));
    return record && isLive(record, this.now()) ? record : undefined;
  }

  async putRecord<T>(pk: string, sk: string, data: T, options: PutOptions = {}): Promise<StoredRecord<T> | undefined> {
    const file = this.recordFile(pk, sk);
    return this.withLock(file, async () => {
      const raw = await this.read<T>(file);
      const current = raw && isLive(raw, this.now()) ? raw : undefined;
      if (options.ifAbsent && current) return undefined;
      if (options.ifVersion !== undefined && current?.version !== options.ifVersion) return undefined;
      const record: StoredRecord<T> = { pk, sk, version: (current?.version ?? 0) + 1, data };
      if (options.ttlSeconds !== undefined) record.expiresAt = nowSeconds(this.now()) + options.ttlSeconds;
      await this.writeAtomic(file, JSON.stringify(record));
      return record;
    });
  }

  async deleteRecord(pk: string, sk: string, options: { ifVersion?: number } = {}): Promise<boolean> {
    const file = this.recordFile(pk, sk);
    return this.withLock(file, async () => {
      if (options.ifVersion !== undefined) {
        const current = await this.read(file);
        if (!current || !isLive(current, this.now()) || current.version !== options.ifVersion) return false;
      }
      await fs.rm(file, { force: true });
      return true;
    });
  }

  async queryRecords<T>(pk: string, options: QueryOptions = {}): Promise<StoredRecord<T>[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.recordDir(pk));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const keys = names
      .filter((n) => n.endsWith('.json'))
      .map((n) => decode(n.slice(0, -'.json'.length)))
      .filter((sk) => (options.prefix === undefined || sk.startsWith(options.prefix)) && (options.from === undefined || sk >= options.from))
      .sort();
    if (options.newestFirst) keys.reverse();
    const out: StoredRecord<T>[] = [];
    for (const sk of keys) {
      const record = await this.getRecord<T>(pk, sk);
      if (!record) continue;
      out.push(record);
      if (options.limit !== undefined && out.length >= options.limit) break;
    }
    return out;
  }

  private documentFile(key: string): string {
    return path.join(this.root, 'documents', ...checkDocumentKey(key).split('/').map(encode));
  }

  async putDocument(key: string, body: string): Promise<void> {
    await this.writeAtomic(this.documentFile(key), body);
  }

  async getDocument(key: string): Promise<string | undefined> {
    try {
      return await fs.readFile(this.documentFile(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async listDocuments(prefix: string): Promise<string[]> {
    const base = path.join(this.root, 'documents');
    const out: string[] = [];
    const walk = async (dir: string, parts: string[]): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        if (e.name.endsWith('.tmp')) continue;
        const next = [...parts, decode(e.name)];
        if (e.isDirectory()) await walk(path.join(dir, e.name), next);
        else out.push(next.join('/'));
      }
    };
    await walk(base, []);
    return out.filter((k) => k.startsWith(prefix)).sort();
  }
}

export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  return env.EKSNET_STATE_DIR || path.join(os.homedir(), '.eksnet');
}
