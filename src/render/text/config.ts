import type { ConfigCheckData } from '../../../commands/config';
import { escapeControl } from '../../util/escape';

/** `eksnet config check`: one line. */
export function renderConfigText(data: ConfigCheckData): string {
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const clusters = data.clusters.length ? `${plural(data.clusters.length, 'cluster')} (${data.clusters.map(escapeControl).join(', ')})` : 'no clusters';
  return `configuration valid: ${escapeControl(data.source)}: ${clusters}${data.defaultCluster ? `, default ${escapeControl(data.defaultCluster)}` : ''}, ${plural(data.channels, 'channel')}, ${plural(data.approvers, 'approver')}, ${plural(data.commandRules, 'command rule')}\n`;
}
