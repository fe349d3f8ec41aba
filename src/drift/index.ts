export { diff, driftReport, compareChanges, type DriftReport } from './diff';
export { SENSITIVE_PORTS, severityRank } from './severity';
