import type { CommandResult } from '../../../commands/types';
import { renderReachText } from './whoami-reach';
import { renderAddonsText } from './addons';
import { renderPostureText } from './posture';
import { renderDriftText } from './drift';
import { renderBaselineText } from './baseline';
import { renderSnapshotText } from './snapshot';
import { renderImpactText } from './impact';
import { DEFAULT_TEXT_OPTIONS, type TextOptions } from './layout';
import { renderAuditText } from './audit';
import { renderStateText } from './state';
import { renderJobsText } from './jobs';
import { renderConfigText } from './config';

type TextRenderer = (result: CommandResult<any>, options: TextOptions) => string;

/** Text renderers by command; a command without one prints its JSON. */
const RENDERERS: Record<string, TextRenderer> = {
  'whoami-reach': renderReachText,
  addons: renderAddonsText,
  posture: renderPostureText,
  drift: renderDriftText,
  baseline: renderBaselineText,
  snapshot: renderSnapshotText,
  impact: renderImpactText,
  audit: renderAuditText,
  state: renderStateText,
  jobs: renderJobsText,
  config: (r) => renderConfigText(r.data),
};


export function renderText(result: CommandResult<any>, options: TextOptions = DEFAULT_TEXT_OPTIONS): string {
  const r = RENDERERS[result.command];
  return r ? r(result, options) : JSON.stringify(result.data, null, 2) + '\n';
}
