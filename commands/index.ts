import type { Command } from './types';
import { whoamiReachCommand } from './whoami-reach';
import { addonsCommand } from './addons';
import { postureCommand } from './posture';
import { driftCommand } from './drift';
import { baselineCommand } from './baseline';
import { snapshotCommand } from './snapshot';
import { auditCommand } from './audit';
import { stateCommand } from './state';
import { jobsCommand } from './jobs';
import { impactCommand } from './impact';
import { configCommand } from './config';

/** Every subcommand, shared by the CLI and the Slack router. Later commands register here. */
export const COMMANDS: Command<any>[] = [whoamiReachCommand, postureCommand, driftCommand, addonsCommand, snapshotCommand, baselineCommand, auditCommand, stateCommand, jobsCommand, impactCommand, configCommand];

export function findCommand(name: string): Command<any> | undefined {
  return COMMANDS.find((c) => c.name === name);
}
