import { dump } from 'js-yaml';

// YAML for a person to read and paste: block style at the top, and any map or list whose flow form
// (`{matchLabels: {app: web}}`) fits within `width` at its indentation written on one line. Same data as the
// block form (js-yaml quotes every scalar that needs it), about half the lines.

function flow(value: unknown): string {
  return dump(value, { flowLevel: 0, lineWidth: -1, noRefs: true }).trimEnd();
}

function isCollection(v: unknown): v is object {
  return typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0);
}

function key(k: string): string {
  return flow({ [k]: null }).replace(/^\{/, '').replace(/: null\}$/, '');
}

function emit(value: unknown, indent: number, width: number): string[] {
  const pad = ' '.repeat(indent);
  if (!isCollection(value)) return [pad + flow(value)];
  if (Array.isArray(value)) {
    const out: string[] = [];
    for (const item of value) {
      const inner = emitValue(item, indent + 2, width);
      out.push(pad + '- ' + inner[0]!.slice(indent + 2), ...inner.slice(1));
    }
    return out;
  }
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const head = `${pad}${key(k)}:`;
    if (!isCollection(v)) {
      out.push(`${head} ${flow(v)}`);
      continue;
    }
    const oneLine = `${head} ${flow(v)}`;
    if (oneLine.length <= width) out.push(oneLine);
    else if (Array.isArray(v)) out.push(head, ...emit(v, indent, width));
    else out.push(head, ...emit(v, indent + 2, width));
  }
  return out;
}

/** A value as the first line of a list item: flow when it fits, else block. */
function emitValue(value: unknown, indent: number, width: number): string[] {
  if (isCollection(value)) {
    const one = ' '.repeat(indent) + flow(value);
    if (one.length <= width) return [one];
  }
  return emit(value, indent, width);
}

export function compactYaml(value: unknown, width = 100): string {
  return emit(JSON.parse(JSON.stringify(value)), 0, width).join('\n') + '\n';
}

/**
 * Denser still, for answers that must stay short: each top-level key on one line, its value in flow style,
 * broken between entries onto continuation lines (YAML allows line breaks between a flow collection's entries
 * when the continuation is indented, https://yaml.org/spec/1.2.2/#74-flow-collection-styles).
 */
export function denseYaml(value: unknown, width = 100): string {
  const data = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  const out: string[] = [];
  for (const [k, v] of Object.entries(data)) {
    const line = `${key(k)}: ${flow(v)}`;
    if (line.length <= width || !isCollection(v)) {
      out.push(line);
      continue;
    }
    // Break after ", ", "[" or "{" (between entries); NetworkPolicy names, labels and ports never contain them.
    const parts = line.split(/(?<=, |\[|\{)/);
    let cur = '';
    for (const p of parts) {
      if (cur && (cur + p).trimEnd().length > width) {
        out.push(cur.trimEnd());
        cur = '    ' + p;
      } else cur += p;
    }
    out.push(cur.trimEnd());
  }
  return out.join('\n') + '\n';
}
