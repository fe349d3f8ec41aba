import ipaddr from 'ipaddr.js';

// The name and number rules of k8s.io/apimachinery/pkg/util/validation/validation.go, with its messages.

/** IsValidPortNum: 1-65535. */
export function portNumErrors(n: number): string[] {
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? [] : ['must be between 1 and 65535, inclusive'];
}

/** IsValidPortName: an IANA_SVC_NAME (RFC 6335 §5.1). */
export function portNameErrors(s: string): string[] {
  const errs: string[] = [];
  if (s.length < 1 || s.length > 15) errs.push('must be no more than 15 characters');
  if (!/^[-a-z0-9]+$/.test(s)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(s)) errs.push('must contain at least one letter (a-z)');
  if (s.includes('--')) errs.push('must not contain consecutive hyphens');
  if (s.startsWith('-') || s.endsWith('-')) errs.push('must not begin or end with a hyphen');
  return errs;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** IsDNS1123Label. */
export function dns1123LabelErrors(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push('must be no more than 63 characters');
  if (!DNS1123_LABEL.test(s)) errs.push("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character");
  return errs;
}

/** IsDNS1123Subdomain. */
export function dns1123SubdomainErrors(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 253) errs.push('must be no more than 253 characters');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(s)) {
    errs.push("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character");
  }
  return errs;
}

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** IsQualifiedName: label and annotation keys, `[prefix/]name`. */
export function qualifiedNameErrors(s: string): string[] {
  const parts = s.split('/');
  let name = s;
  const errs: string[] = [];
  if (parts.length === 2) {
    const [prefix, n] = parts as [string, string];
    name = n;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((e) => 'prefix part ' + e));
  } else if (parts.length > 2) {
    return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/'"];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !QUALIFIED_NAME.test(name)) errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  return errs;
}

/** IsValidLabelValue. */
export function labelValueErrors(s: string): string[] {
  const errs: string[] = [];
  if (s.length > 63) errs.push('must be no more than 63 characters');
  if (s !== '' && !QUALIFIED_NAME.test(s)) errs.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
  return errs;
}

export interface ParsedCidr {
  family: 4 | 6;
  prefix: number;
  /** The network address as a bigint (host bits cleared), for containment checks. */
  network: bigint;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function v4Value(text: string): bigint | undefined {
  const m = V4.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return undefined;
  return octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
}

function v6Value(text: string): bigint | undefined {
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return undefined;
  const addr = ipaddr.IPv6.parse(text);
  return addr.parts.reduce((acc, part) => (acc << 16n) | BigInt(part), 0n);
}

/**
 * A CIDR in the syntax both Kubernetes (net.ParseCIDR) and EC2 accept: a dotted-quad IPv4 address with a
 * prefix of 0-32, or an IPv6 address with a prefix of 0-128. Undefined for anything else (`/33`, `10.0/8`,
 * a zone, a missing prefix).
 */
export function parseCidr(text: string): ParsedCidr | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const prefix = Number(m[2]);
  const v4 = v4Value(m[1]!);
  if (v4 !== undefined) {
    if (prefix > 32) return undefined;
    const hostBits = BigInt(32 - prefix);
    return { family: 4, prefix, network: (v4 >> hostBits) << hostBits };
  }
  const v6 = v6Value(m[1]!);
  if (v6 !== undefined) {
    if (prefix > 128) return undefined;
    const hostBits = BigInt(128 - prefix);
    return { family: 6, prefix, network: (v6 >> hostBits) << hostBits };
  }
  return undefined;
}

/** A plain IP address (no prefix): its family, or undefined. */
export function ipFamily(text: string): 4 | 6 | undefined {
  if (v4Value(text) !== undefined) return 4;
  if (v6Value(text) !== undefined) return 6;
  return undefined;
}

/** Is `inner` inside `outer` (same family, longer or equal prefix, same leading bits)? */
export function cidrWithin(inner: ParsedCidr, outer: ParsedCidr): boolean {
  if (inner.family !== outer.family || inner.prefix < outer.prefix) return false;
  const bits = BigInt((outer.family === 4 ? 32 : 128) - outer.prefix);
  return inner.network >> bits === outer.network >> bits;
}
