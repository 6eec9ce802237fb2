/**
 * Turns whatever an agent sends into text the analysis can read, or a clear InputError.
 * Never throws anything else: chat platforms and stdin can deliver any bytes.
 */
import { InputError } from '../errors.ts';

/**
 * The analysis reads at most this many characters, the latest part of the input.
 * 8,000 characters is about 40 chat turns: enough for a whole case, and it keeps the
 * 1 ms budget for one message honest when someone pastes a whole e-mail thread.
 */
export const MAX_ANALYSED_CHARS = 8_000;

export interface SanitizedText {
  text: string;
  /** Things the agent should know about how the input was read. */
  notices: string[];
}

/** Decodes bytes as UTF-8, rejecting binary data and malformed sequences with a message. */
export function decodeInput(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  let nul = 0;
  const probe = Math.min(bytes.length, 4096);
  for (let i = 0; i < probe; i++) if (bytes[i] === 0) nul++;
  if (nul > 0) {
    throw new InputError('input_binary', 'That looks like a binary file, not text. Paste what the customer wrote as plain text.');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError('input_invalid', 'The text is not valid UTF-8. Paste it again as plain text (copying from the chat window usually works).');
  }
}

// C0 controls other than tab and newline, DEL, and lone surrogates (from broken UTF-16 pastes).
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function sanitizeText(input: string): SanitizedText {
  if (typeof input !== 'string') throw new InputError('input_invalid', 'Expected text.');
  const notices: string[] = [];
  let text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const controls = text.match(CONTROL)?.length ?? 0;
  if (controls > Math.max(8, text.length * 0.1)) {
    throw new InputError('input_binary', 'That looks like binary data, not text. Paste what the customer wrote as plain text.');
  }
  text = text.replace(CONTROL, ' ').replace(LONE_SURROGATE, '\uFFFD');
  if (text.trim() === '') {
    throw new InputError('input_empty', 'There is nothing to read yet. Paste what the customer said, or a transcript.');
  }
  if (text.length > MAX_ANALYSED_CHARS) {
    // Keep the latest part, starting at a line break when one is near, so a turn is not cut mid-word.
    let start = text.length - MAX_ANALYSED_CHARS;
    const nl = text.indexOf('\n', start);
    if (nl !== -1 && nl - start < 400) start = nl + 1;
    text = text.slice(start);
    notices.push(
      `The input was long (${input.length.toLocaleString('en-US')} characters); only the latest ${text.length.toLocaleString('en-US')} were read.`,
    );
  }
  return { text, notices };
}
