import type { SlackJob } from './job';
import { describeError, log } from '../util/log';
import { failureMessage } from './messages';
import { postToResponseUrl } from './respond';
import { runJob } from './run';
import { invokeWorkerAsync } from './worker-invoke';
import type { StateStore } from '../state/types';

/** Where work that may outlast Slack's 3-second ack goes: the same process, or the worker function. */
export interface Dispatcher {
  readonly name: string;
  dispatch(job: SlackJob): Promise<void>;
}

/** The worker's event: one job, answered on its response_url. */
/** What the Slack listeners (commands, buttons) are given. */
export interface ListenerDeps {
  env: NodeJS.ProcessEnv;
  dispatcher: Dispatcher;
  /** The durable state store (user-group cache); opened from `env` when absent. */
  store?: StateStore;
}

export interface WorkerEvent {
  eksnetJob: SlackJob;
}

/** Run the job here and post the answer to response_url (local dev runner, tests). */
export function inlineDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher {
  return {
    name: 'inline',
    async dispatch(job) {
      await answerJob(job, env);
    },
  };
}

/** Hand the job to the worker Lambda (src/slack/worker-invoke.ts), so this function can ack. */
export function lambdaDispatcher(functionName: string): Dispatcher {
  return {
    name: 'lambda',
    async dispatch(job) {
      const event: WorkerEvent = { eksnetJob: job };
      await invokeWorkerAsync(event, functionName, { ref: job.ref, command: job.command });
    },
  };
}

/** EKSNET_WORKER_FUNCTION names the worker (set by serverless.yml); without it, work runs inline. */
export function defaultDispatcher(env: NodeJS.ProcessEnv = process.env): Dispatcher {
  return env.EKSNET_WORKER_FUNCTION ? lambdaDispatcher(env.EKSNET_WORKER_FUNCTION) : inlineDispatcher(env);
}

/** Run a job and post its answer; failures to post are logged (Slack has nowhere else to show them). */
export async function answerJob(job: SlackJob, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const message = await runJob(job, env);
  try {
    if (job.replaceOriginal && message.response_type === 'in_channel') {
      // An ephemeral "Working on…" cannot become a channel message: remove it, then post the answer.
      await postToResponseUrl(job.responseUrl, { text: '', delete_original: true });
      await postToResponseUrl(job.responseUrl, { ...message, replace_original: false });
    } else {
      await postToResponseUrl(job.responseUrl, { ...message, replace_original: job.replaceOriginal === true });
    }
  } catch (err) {
    log.error('could not post the answer to response_url', { ref: job.ref, command: job.command, error: describeError(err) });
  }
}

/** Tell the person a hand-off failed, on the response_url (the ack has already gone). */
export async function reportDispatchFailure(job: SlackJob, err: unknown): Promise<void> {
  log.error('could not hand the job to the worker', { ref: job.ref, command: job.command, error: describeError(err) });
  try {
    await postToResponseUrl(job.responseUrl, failureMessage(job.command, job.ref));
  } catch (postErr) {
    log.error('could not post the failure to response_url', { ref: job.ref, error: describeError(postErr) });
  }
}
