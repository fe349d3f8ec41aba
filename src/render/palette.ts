import type { LayerVerdict, Severity } from '../model/result';
import type { Word } from './summary';

// The one palette of eksnet's answers: every message (whoami-reach, reach map, posture, drift digest, critical
// alert, add-on offer) and the terminal use these icons, so 🟡 means "medium" everywhere.

export interface Icon {
  /** Slack emoji shortcode. */
  slack: string;
  /** The same in a terminal. */
  text: string;
}

export const SEVERITY_ICONS: Record<Severity, Icon> = {
  critical: { slack: ':red_circle:', text: '🔴' },
  high: { slack: ':large_orange_circle:', text: '🟠' },
  medium: { slack: ':large_yellow_circle:', text: '🟡' },
  low: { slack: ':large_blue_circle:', text: '🔵' },
  info: { slack: ':white_circle:', text: '⚪' },
};

export const WORD_ICONS: Record<Word, Icon> = {
  allowed: { slack: ':white_check_mark:', text: '✅' },
  denied: { slack: ':no_entry:', text: '⛔' },
  partial: { slack: ':warning:', text: '⚠️' },
  intermittent: { slack: ':hourglass_flowing_sand:', text: '⏳' },
};

export const LAYER_ICONS: Record<LayerVerdict, Icon> = {
  allow: { slack: ':white_check_mark:', text: '✔' },
  deny: { slack: ':no_entry:', text: '✘' },
  'not-evaluated': { slack: ':grey_question:', text: '?' },
  'not-enforced': { slack: ':white_circle:', text: '○' },
};

/** Other states messages show: an upgrade to offer, something started, an alert, information, a lock. */
export const STATE_ICONS = {
  upgrade: { slack: ':arrow_up:', text: '↑' },
  started: { slack: ':arrows_counterclockwise:', text: '↻' },
  alert: { slack: ':rotating_light:', text: '🚨' },
  info: { slack: ':information_source:', text: 'ℹ' },
  lock: { slack: ':lock:', text: '🔒' },
  unknown: { slack: ':grey_question:', text: '?' },
  ok: { slack: ':white_check_mark:', text: '✅' },
  warning: { slack: ':warning:', text: '⚠️' },
  map: { slack: ':world_map:', text: '🗺' },
  shared: { slack: ':mega:', text: '📣' },
  waiting: { slack: ':hourglass_flowing_sand:', text: '⏳' },
  failed: { slack: ':x:', text: '✘' },
  approved: { slack: ':ballot_box_with_check:', text: '☑' },
} satisfies Record<string, Icon>;

export const slackSeverity = (s: Severity): string => SEVERITY_ICONS[s].slack;
export const slackWord = (w: Word): string => WORD_ICONS[w].slack;
