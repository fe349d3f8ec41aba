// Terminal layout: wrapping prose to the width, and colour only where it helps and is wanted.

export interface TextOptions {
  /** Columns to wrap prose to (code and commands are never wrapped: they must paste as they are). */
  width: number;
  /** ANSI colour (stdout is a TTY and NO_COLOR is unset, https://no-color.org). */
  color: boolean;
  /** -v/--verbose: every flow and every layer. */
  verbose: boolean;
}

export const DEFAULT_TEXT_OPTIONS: TextOptions = { width: 100, color: false, verbose: false };

/** The options for a process: width from the terminal (100 when not a TTY or unknown), colour per NO_COLOR. */
export function terminalOptions(stream: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv, verbose: boolean): TextOptions {
  const tty = stream.isTTY === true;
  const width = tty && typeof stream.columns === 'number' && stream.columns > 0 ? Math.max(40, stream.columns) : 100;
  return { width, color: tty && env.NO_COLOR === undefined, verbose };
}

/** Columns a string takes in a terminal: wide emoji take two, variation selectors none. */
export function displayWidth(s: string): number {
  let n = 0;
  for (const ch of s.replace(/\x1b\[[0-9;]*m/g, '')) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xfe0f || cp === 0x200d) continue;
    n += cp >= 0x1f300 || (cp >= 0x2600 && cp <= 0x27bf && ch !== '✔' && ch !== '✘') || cp === 0x26d4 ? 2 : 1;
  }
  return n;
}

/**
 * Wrap `text` to `width` columns: the first line starts with `first`, the rest with `rest` (a hanging indent).
 * Breaks at spaces; a word longer than a line stays whole.
 */
export function wrap(text: string, width: number, first = '', rest = first.replace(/\S/g, ' ')): string[] {
  const out: string[] = [];
  let line = first;
  let empty = true;
  for (const word of text.split(/ +/).filter((w) => w !== '')) {
    const candidate = empty ? line + word : `${line} ${word}`;
    if (!empty && displayWidth(candidate) > width) {
      out.push(line);
      line = rest + word;
    } else {
      line = candidate;
    }
    empty = false;
  }
  out.push(line);
  return out;
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1, cyan: 36 } as const;
export type Colour = keyof typeof CODES;

export function paint(opts: Pick<TextOptions, 'color'>, colour: Colour, text: string): string {
  return opts.color ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
}
