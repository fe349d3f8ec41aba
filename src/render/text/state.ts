import type { StateInitData } from '../../../commands/state';
import type { CommandResult } from '../../../commands/types';

export function renderStateText(result: CommandResult<StateInitData>): string {
  const { store, actions } = result.data;
  return [`State store: ${store}`, ...(actions.length ? actions.map((a) => `  ${a}`) : ['  everything was already in place'])].join('\n') + '\n';
}
