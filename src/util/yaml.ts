import { CORE_SCHEMA, dump, load } from 'js-yaml';

// The one YAML library (js-yaml): reading configuration, add-on configuration values and snapshots, and writing fix
// NetworkPolicies. CORE_SCHEMA is YAML 1.2's core schema (JSON is a subset): timestamps stay strings.

/** One YAML (or JSON) document. Throws js-yaml's YAMLException on bad input (its first line names the problem). */
export function parseYaml(text: string): unknown {
  return load(text, { schema: CORE_SCHEMA });
}

/**
 * Block-style YAML as kubectl users read it (sequences not indented under their key, no line folding). Strings a
 * YAML 1.1 reader such as kubectl's would take for booleans or numbers (yes, on, 1.5) are quoted.
 */
export function dumpYaml(value: unknown): string {
  return dump(value, { schema: CORE_SCHEMA, noArrayIndent: true, lineWidth: -1, noRefs: true });
}
