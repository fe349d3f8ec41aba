import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEMO, demoMessages, type DemoMessage } from './demo-messages';

// npm run render:slack-previews: the real Block Kit JSON of the main messages (scripts/demo-messages.ts, the same
// the golden tests pin) drawn as Slack lays it out, one HTML page per message, each screenshot with headless
// Chromium (Debian's `chromium` package) into docs/images/slack-<name>.png. A preview, not Slack itself: mrkdwn's
// bold, italic, code, code blocks, emoji shortcodes, buttons and their confirm dialogs are drawn; nothing is fetched.

const OUT = path.join(path.dirname(DEMO), '..', 'docs', 'images');
const CHROMIUM = process.env.CHROMIUM ?? 'chromium';

const EMOJI: Record<string, string> = {
  no_entry: '⛔',
  white_check_mark: '✅',
  warning: '⚠️',
  hourglass_flowing_sand: '⏳',
  grey_question: '❔',
  white_circle: '⚪',
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_blue_circle: '🔵',
  world_map: '🗺️',
  arrow_up: '⬆️',
  arrows_counterclockwise: '🔄',
  rotating_light: '🚨',
  information_source: 'ℹ️',
  lock: '🔒',
  mega: '📣',
};

/** Slack mrkdwn (already entity-escaped, as eksnet sends it) → HTML. */
function mrkdwn(text: string): string {
  const parts = text.split(/```\n?([^]*?)\n?```/);
  return parts
    .map((p, i) => {
      if (i % 2 === 1) return `<pre>${p.replace(/"/g, '&quot;')}</pre>`;
      return p
        .replace(/"/g, '&quot;')
        .replace(/`([^`\n]+)`/g, '<code>$1</code>')
        .replace(/(^|[\s(>])\*([^*\n]+)\*/g, '$1<b>$2</b>')
        .replace(/(^|[\s(>])_([^_\n]+)_/g, '$1<i>$2</i>')
        .replace(/:([a-z_]+):/g, (m, name: string) => EMOJI[name] ?? m)
        .replace(/&lt;@([UW][A-Z0-9]+)&gt;|<@([UW][A-Z0-9]+)>/g, (_m, a, b) => `<span class="mention">@${a ?? b}</span>`)
        .replace(/\n/g, '<br>');
    })
    .join('');
}

function plain(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function block(b: any): string {
  switch (b.type) {
    case 'header':
      return `<div class="header">${plain(b.text.text)}</div>`;
    case 'divider':
      return '<hr>';
    case 'context':
      return `<div class="context">${b.elements.map((e: any) => (e.type === 'mrkdwn' ? mrkdwn(e.text) : plain(e.text))).join(' ')}</div>`;
    case 'actions':
      return `<div class="actions">${b.elements.map(button).join('')}</div>`;
    case 'section': {
      const acc = b.accessory?.type === 'button' ? `<div class="accessory">${button(b.accessory)}</div>` : '';
      return `<div class="section"><div class="text">${mrkdwn(b.text?.text ?? '')}</div>${acc}</div>`;
    }
    default:
      return '';
  }
}

function button(e: any): string {
  const confirm = e.confirm ? `<div class="confirm"><b>${plain(e.confirm.title.text)}</b><br>${plain(e.confirm.text.text)}<div class="confirm-buttons"><span>${plain(e.confirm.deny.text)}</span><span class="primary">${plain(e.confirm.confirm.text)}</span></div></div>` : '';
  return `<span class="button ${e.style ?? ''}">${plain(e.text.text)}</span>${confirm}`;
}

const CSS = `
body { margin: 0; background: #fff; font: 15px/1.46 -apple-system, "Segoe UI", "DejaVu Sans", "Noto Color Emoji", sans-serif; color: #1d1c1d; }
.msg { display: flex; padding: 16px 20px; width: 860px; }
.avatar { width: 36px; height: 36px; border-radius: 6px; background: #2c5f8a; color: #fff; font-weight: 700; display: flex; align-items: center; justify-content: center; margin-right: 10px; flex: none; }
.body { flex: 1; min-width: 0; }
.who { font-weight: 900; } .app { font-size: 11px; background: #e8e8e8; padding: 1px 4px; border-radius: 3px; margin-left: 4px; color: #616061; } .note { color: #616061; font-size: 12px; margin-left: 6px; }
.header { font-size: 18px; font-weight: 900; margin: 6px 0; }
.section { display: flex; margin: 6px 0; } .section .text { flex: 1; } .accessory { margin-left: 12px; position: relative; }
.context { color: #616061; font-size: 13px; margin: 4px 0; }
code { font: 12px "DejaVu Sans Mono", monospace; background: #f6f6f6; border: 1px solid #e1e1e1; border-radius: 3px; color: #c01343; padding: 0 3px; }
pre { font: 12px/1.5 "DejaVu Sans Mono", monospace; background: #f8f8f8; border: 1px solid #e1e1e1; border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; word-break: break-all; }
hr { border: none; border-top: 1px solid #e1e1e1; margin: 10px 0; }
.button { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 3px 12px; font-weight: 700; font-size: 13px; margin-right: 8px; }
.button.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
.confirm { font-size: 12px; border: 1px solid #ddd; border-radius: 6px; padding: 6px 8px; margin-top: 6px; width: 300px; box-shadow: 0 2px 6px rgba(0,0,0,.12); }
.confirm-buttons span { display: inline-block; border: 1px solid #bbb; border-radius: 4px; padding: 1px 8px; margin: 4px 6px 0 0; font-weight: 700; } .confirm-buttons .primary { background: #007a5a; color: #fff; }
.mention { background: #e8f5fa; color: #1264a3; border-radius: 3px; padding: 0 2px; }
.caption { font: 12px monospace; color: #888; padding: 8px 20px 0; }
`;

export function previewHtml(m: DemoMessage): string {
  const ephemeral = m.message.response_type === 'ephemeral';
  const blocks = (m.message.blocks ?? []).map(block).join('\n') || mrkdwn(m.message.text);
  return `<!doctype html><html><head><meta charset="utf-8"><style>${CSS}</style></head><body>
<div class="caption">${plain(m.title)}</div>
<div class="msg"><div class="avatar">ek</div><div class="body">
<div><span class="who">eksnet</span><span class="app">APP</span>${ephemeral ? '<span class="note">Only visible to you</span>' : ''}</div>
${blocks}
</div></div></body></html>`;
}

/** A window tall enough for the message: lines of text and code, plus the blocks' margins. */
function heightOf(m: DemoMessage): number {
  const json = JSON.stringify(m.message.blocks ?? []);
  const lines = (json.match(/\\n/g) ?? []).length + (m.message.blocks?.length ?? 1) * 2;
  const confirm = json.includes('"confirm"') ? 110 : 0;
  return Math.min(4000, 110 + lines * 20 + confirm);
}

async function main(): Promise<void> {
  const messages = await demoMessages();
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-previews-'));
  for (const m of messages) {
    const html = path.join(dir, `${m.name}.html`);
    writeFileSync(html, previewHtml(m));
    const png = path.join(OUT, `slack-${m.name}.png`);
    execFileSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--force-device-scale-factor=1', `--window-size=900,${heightOf(m)}`, `--screenshot=${png}`, `file://${html}`], { stdio: 'ignore' });
    console.log(`wrote ${path.relative(process.cwd(), png)}`);
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`render:slack-previews: ${(err as Error).message} (is Debian's chromium installed? apt-get install -y chromium)`);
    process.exitCode = 1;
  });
}
