import type { MissingResource } from '../model/snapshot';

/** A resource the collection could not read, with the reason a person can act on. */
export type Missing = MissingResource;

/** What one part of the collection produced: documents for the snapshot, and what it could not read. */
export interface Part {
  documents: { file: string; doc: unknown }[];
  missing: Missing[];
}

export function emptyPart(): Part {
  return { documents: [], missing: [] };
}

export function mergeParts(parts: Part[]): Part {
  return { documents: parts.flatMap((p) => p.documents), missing: parts.flatMap((p) => p.missing) };
}

const MAX_MESSAGE = 300;

function firstLine(text: string): string {
  const line = text.split('\n')[0]!.trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

const AWS_DENIED = new Set(['UnauthorizedOperation', 'AccessDenied', 'AccessDeniedException', 'UnauthorizedException', 'Forbidden']);

/**
 * Why an AWS call failed after the SDK's retries: `<ErrorCode>: <message>`, and for a 403 the IAM
 * permission eksnet needs, e.g. "UnauthorizedOperation: ... (needs ec2:DescribeNetworkAcls)".
 */
export function awsFailureReason(err: unknown, permission: string): string {
  const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e?.Code ?? e?.name ?? 'Error';
  const message = firstLine(String(e?.message ?? err));
  const denied = e?.$metadata?.httpStatusCode === 403 || AWS_DENIED.has(code);
  return `${code}: ${message}${denied ? ` (needs ${permission})` : ''}`;
}

/** No usable AWS credentials or region: nothing can be collected at all. */
export function isSetupError(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  return e?.name === 'CredentialsProviderError' || /Region is missing/i.test(e?.message ?? '');
}

interface KubeError {
  code?: number;
  body?: unknown;
  message?: string;
  name?: string;
}

function kubeStatusMessage(body: unknown): string | undefined {
  let status = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return body.trim() ? firstLine(body) : undefined;
    }
  }
  const s = status as { message?: unknown; reason?: unknown } | undefined;
  return typeof s?.message === 'string' ? firstLine(s.message) : undefined;
}

/** Why a Kubernetes API call failed; a 403 names the RBAC rule eksnet needs. */
export function kubeFailureReason(err: unknown, rbac: string): string {
  const e = err as KubeError;
  if (typeof e?.code === 'number' && e.code >= 400) {
    const detail = kubeStatusMessage(e.body);
    if (e.code === 401) return `Unauthorized: the Kubernetes API rejected eksnet's credentials (check the EKS access entry or kubeconfig user)`;
    if (e.code === 403) return `Forbidden: ${detail ?? 'access denied'} (needs RBAC ${rbac})`;
    return `HTTP ${e.code}: ${detail ?? e.message ?? 'request failed'}`;
  }
  return `${e?.name ?? 'Error'}: ${firstLine(String(e?.message ?? err))}`;
}
