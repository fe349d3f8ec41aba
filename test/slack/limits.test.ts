// Slack message limits (https://docs.slack.dev/reference/block-kit/blocks: 50 blocks per message; section
// text 3000 characters; button value 2000; action_id 255) and the ~12k total (slackapi/bolt-js#2509).
import { codeBlock, enforceLimits, limitViolations, LIMITS } from '../../src/render/slack/limits';
import { renderPreformatted } from '../../src/render/slack/generic';
import type { Block } from '../../src/render/slack/types';

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });

it('enforceLimits cuts a message of 80 blocks and 40k characters to the limits and says so', () => {
  const blocks = Array.from({ length: 80 }, (_, i) => section(`${i} ` + 'x'.repeat(4000)));
  const out = enforceLimits({ text: 'y'.repeat(5000), blocks });
  expect(limitViolations(out)).toEqual([]);
  expect(out.text.length).toBe(LIMITS.fallbackText);
  const last = out.blocks![out.blocks!.length - 1] as any;
  expect(last.elements[0].text).toMatch(/^…\d+ more blocks left out to fit Slack's message limits\.$/);
});

it('enforceLimits drops a button whose value is over 2000 characters and trims a long action_id', () => {
  const out = enforceLimits({
    text: 't',
    blocks: [
      { type: 'actions', elements: [{ type: 'button', action_id: 'a'.repeat(300), text: { type: 'plain_text', text: 'ok' }, value: 'v' }] },
      { type: 'actions', elements: [{ type: 'button', action_id: 'b', text: { type: 'plain_text', text: 'too long' }, value: 'v'.repeat(2001) }] },
    ],
  });
  expect(out.blocks).toHaveLength(1);
  expect((out.blocks![0] as any).elements[0].action_id).toHaveLength(255);
});

it('codeBlock keeps whole lines within the limit and counts what it left out', () => {
  const text = Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n');
  const block = codeBlock(text);
  expect(block.length).toBeLessThanOrEqual(3000);
  expect(block.startsWith('```\nline 0\n')).toBe(true);
  const kept = block.split('\n').length - 3;
  expect(block).toContain(`… ${500 - kept} more lines\n\`\`\``);
});

it('the generic renderer puts long text in code blocks and names the CLI command that prints everything', () => {
  const text = Array.from({ length: 2000 }, (_, i) => `finding ${i}: something to fix`).join('\n');
  const msg = enforceLimits(renderPreformatted('eksnet posture', text, { cliCommand: 'eksnet posture --cluster prod' }));
  expect(limitViolations(msg)).toEqual([]);
  const note = (msg.blocks![msg.blocks!.length - 1] as any).elements[0].text;
  expect(note).toMatch(/^…and \d+ more lines\. Run `eksnet posture --cluster prod` to print everything\.$/);
});
