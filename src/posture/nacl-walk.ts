import type { NetworkAcl } from '@aws-sdk/client-ec2';

// NACL evaluation lives in the engine (src/engine/aws/nacl.ts, nacl-block.ts); only the choice of a free rule
// number for a suggested entry is still posture's own (to be merged with the engine's fixes).

/** The largest inbound/outbound rule number below `below` that the NACL does not use yet. */
export function freeRuleNumber(acl: NetworkAcl, egress: boolean, below: number, reserved: number[] = []): number | undefined {
  const used = new Set<number | undefined>([...(acl.Entries ?? []).filter((e) => (e.Egress ?? false) === egress).map((e) => e.RuleNumber), ...reserved]);
  for (let n = Math.min(below - 1, 32766); n >= 1; n--) if (!used.has(n)) return n;
  return undefined;
}
