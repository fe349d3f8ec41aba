import type { CommandResult } from '../../../commands/types';
import { renderGenericSlack, renderPreformatted } from './generic';
import { enforceLimits } from './limits';
import type { SlackMessage, SlackRenderOptions } from './types';
import { renderReachSlack } from './whoami-reach';
import { renderAddonsSlack, renderDriftSlack, renderPostureSlack } from './findings';
import { renderBaselineSlack } from './baseline';
import { renderAuditSlack } from './audit';

export type SlackRenderer = (result: CommandResult<any>, opts: SlackRenderOptions) => SlackMessage;

/** Block Kit renderers by command; a command without one shows its text output in code blocks. */
const RENDERERS: Record<string, SlackRenderer> = {
  'whoami-reach': renderReachSlack,
  posture: renderPostureSlack,
  drift: renderDriftSlack,
  addons: renderAddonsSlack,
  baseline: renderBaselineSlack,
  audit: renderAuditSlack,
};


/** Render a command's result for Slack, within Slack's message limits. `json` shows what --json prints. */
export function renderSlack(result: CommandResult<any>, opts: SlackRenderOptions & { json?: boolean }): SlackMessage {
  if (opts.json) {
    const body = result.jsonLines ? result.jsonLines.map((l) => JSON.stringify(l)).join('\n') : JSON.stringify(result.data, null, 2);
    return enforceLimits(renderPreformatted(`eksnet ${result.command} --json`, body, opts));
  }
  const renderer = RENDERERS[result.command] ?? renderGenericSlack;
  return enforceLimits(renderer(result, opts));
}

export type { SlackMessage, SlackRenderOptions } from './types';
