/**
 * Text that came from outside (a reference, a word typed in Slack, a name in a snapshot) made safe to echo:
 * C0 and C1 control characters, DEL, and the Unicode line/paragraph separators and bidirectional overrides
 * are shown as `\uXXXX`, so an ANSI escape, a CR or a newline cannot rewrite a terminal line or a log entry.
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function escapeControl(text: string): string {
  return text.replace(UNSAFE, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** `"text"` with control characters escaped: the way to echo input in a message. */
export function quoted(text: string): string {
  return `"${escapeControl(text)}"`;
}

/** A value of any type, shortened and escaped, for an error message ("Invalid value: ..."). */
export function shown(value: unknown, max = 80): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  text = escapeControl(text);
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}
