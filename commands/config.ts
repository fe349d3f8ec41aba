import { loadConfig } from '../src/config';
import { escapeControl } from '../src/util/escape';
import { BadInputError } from '../src/util/errors';
import type { Command } from './types';

export interface ConfigCheckData {
  valid: true;
  /** Where the configuration came from: EKSNET_CONFIG_JSON, the file, or "defaults" when none is set. */
  source: string;
  clusters: string[];
  defaultCluster?: string;
  channels: number;
  approvers: number;
  commandRules: number;
}

/**
 * `eksnet config check [FILE]`: load the configuration exactly as every command does (strict: an unknown key is
 * an error naming the nearest valid key) and say what it holds. A problem is bad input (exit 2, one line).
 */
export const configCommand: Command<ConfigCheckData> = {
  name: 'config',
  summary: 'Check the eksnet configuration (EKSNET_CONFIG / EKSNET_CONFIG_JSON, or FILE): one line naming the first problem, else a summary.',
  usage: 'config check [FILE]',
  examples: ['config check', 'config check ./eksnet.yaml'],
  readOnly: true,
  cliOnly: true,
  async run(args, ctx) {
    const [verb, file, ...extra] = args.words;
    if (verb !== 'check') throw new BadInputError(verb === undefined ? 'config needs a verb: config check [FILE]' : `config: unknown verb "${escapeControl(verb)}" (config check [FILE])`);
    if (extra.length > 0) throw new BadInputError(`config check takes at most one FILE (got ${escapeControl(args.words.slice(1).join(' '))})`);
    const env: NodeJS.ProcessEnv = file ? { ...ctx.env, EKSNET_CONFIG: file, EKSNET_CONFIG_JSON: undefined } : ctx.env;
    const config = loadConfig(env);
    const source = env.EKSNET_CONFIG_JSON ? 'EKSNET_CONFIG_JSON' : env.EKSNET_CONFIG ? env.EKSNET_CONFIG : 'defaults (EKSNET_CONFIG and EKSNET_CONFIG_JSON are not set)';
    return {
      command: 'config',
      data: {
        valid: true,
        source,
        clusters: config.clusters.map((c) => c.name),
        defaultCluster: config.defaultCluster,
        channels: Object.keys(config.channels).length,
        approvers: config.authorization.approvers.length,
        commandRules: Object.keys(config.authorization.commands).length,
      },
      exitCode: 0,
      notices: [],
    };
  },
};
