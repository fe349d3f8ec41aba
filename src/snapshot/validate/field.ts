import { quoted, shown } from '../../util/escape';
import { nearest } from '../../util/nearest';

/**
 * Collects what an object breaks, worded as the Kubernetes API server words a field.Error ("Invalid value",
 * "Required value", "Unsupported value", "Forbidden", "Duplicate value") so a message reads like kubectl's.
 * Every message ends with the rule's source in brackets.
 */
export class Problems {
  readonly list: string[] = [];

  constructor(private readonly source: string) {}

  private add(text: string): void {
    this.list.push(`${text} (${this.source})`);
  }

  get first(): string | undefined {
    return this.list[0];
  }

  invalid(path: string, value: unknown, message: string): void {
    this.add(`${path}: Invalid value: ${shown(value)}: ${message}`);
  }

  required(path: string, message?: string): void {
    this.add(`${path}: Required value${message ? `: ${message}` : ''}`);
  }

  notSupported(path: string, value: unknown, allowed: readonly string[]): void {
    this.add(`${path}: Unsupported value: ${shown(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }

  forbidden(path: string, message: string): void {
    this.add(`${path}: Forbidden: ${message}`);
  }

  duplicate(path: string, value: unknown): void {
    this.add(`${path}: Duplicate value: ${shown(value)}`);
  }

  /** A field the schema does not have (strict field validation), with the nearest field it does have. */
  unknownField(path: string, key: string, known: readonly string[]): void {
    const near = nearest(key, known);
    this.add(`${path ? path + ': ' : ''}unknown field ${quoted(key)}${near ? ` (did you mean "${near}"?)` : ''}`);
  }

  /** Report fields of `obj` outside `known`. */
  strictFields(path: string, obj: Record<string, unknown>, known: readonly string[]): void {
    for (const key of Object.keys(obj)) if (!known.includes(key)) this.unknownField(path, key, known);
  }
}

export function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function child(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function index(path: string, i: number): string {
  return `${path}[${i}]`;
}

/** An object field that must be a list when present: returns the list (empty when absent), or undefined after reporting. */
export function listField(p: Problems, path: string, value: unknown): unknown[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    p.invalid(path, value, 'must be a list');
    return undefined;
  }
  return value;
}

/** An object field that must be an object when present. */
export function objectField(p: Problems, path: string, value: unknown): Record<string, any> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    p.invalid(path, value, 'must be an object');
    return undefined;
  }
  return value;
}
