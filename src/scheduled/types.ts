/** The scheduled jobs, by the name their schedule's input carries. */
export const JOB_NAMES = ['drift-digest', 'drift-check', 'addon-check'] as const;
export type JobName = (typeof JOB_NAMES)[number];

/**
 * The event a schedule delivers. serverless.yml sets it as the EventBridge Scheduler target's input, where
 * `<aws.scheduler.scheduled-time>` and `<aws.scheduler.execution-id>` are replaced per invocation
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html).
 * An EventBridge rule's scheduled event carries `time` instead; both are accepted.
 */
export interface JobEvent {
  job: JobName;
  scheduledTime?: string;
  executionId?: string;
  /** EventBridge (rule) scheduled events. */
  time?: string;
  /** Only this cluster (`eksnet jobs run JOB --cluster C`); absent = every cluster with a channel. */
  cluster?: string;
}

/** What one job did for one cluster (returned by the handler, and logged). */
export interface ClusterOutcome {
  cluster: string;
  outcome: 'posted' | 'duplicate' | 'no-baseline' | 'nothing-to-offer' | 'nothing-new' | 'quiet' | 'failed';
  /** Messages delivered by this run (a digest and an alert count two). */
  posted: number;
  /** Messages queued but not delivered yet (the next run delivers them). */
  pending?: number;
  ref?: string;
}

export interface JobSummary {
  job: JobName | 'unknown';
  key?: string;
  clusters: ClusterOutcome[];
  /** The dispatcher on Lambda: the clusters a message was queued for (their outcomes come from the consumers). */
  queued?: string[];
}

export function isJobName(v: unknown): v is JobName {
  return typeof v === 'string' && (JOB_NAMES as readonly string[]).includes(v);
}
