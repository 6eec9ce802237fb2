/**
 * What an agent asks of Defuse in a chat, the same words on every platform: Slack's
 * `/defuse <words>` and a Teams message (`coach …`, `review …`, `help`…). Parsing is shared so
 * the two channels can never drift apart.
 */

export type Command =
  | { kind: 'help' }
  | { kind: 'review'; draft: string }
  | { kind: 'mute' }
  | { kind: 'unmute' }
  | { kind: 'supervise'; off: boolean }
  | { kind: 'drill'; args: string }
  /** Start a fresh case in a chat that has no threads (a Teams personal or group chat). */
  | { kind: 'new'; text: string }
  | { kind: 'coach'; text: string };

/**
 * Words that are a command only when they are the whole message: pasted customer text often
 * begins with "Help" or "New", and must not be mistaken for one.
 */
const WHOLE_MESSAGE = new Set(['help', 'mute', 'unmute', '?']);

export function parseCommand(input: string): Command {
  const text = input.trim();
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text);
  const word = (m?.[1] ?? '').toLowerCase().replace(/[:,]$/, '');
  const rest = (m?.[2] ?? '').trim();
  if (text === '' || (rest === '' && WHOLE_MESSAGE.has(word))) {
    if (word === 'mute') return { kind: 'mute' };
    if (word === 'unmute') return { kind: 'unmute' };
    return { kind: 'help' };
  }
  if (word === 'supervise' && /^(|off|on)$/i.test(rest)) return { kind: 'supervise', off: rest.toLowerCase() === 'off' };
  if (word === 'review') return { kind: 'review', draft: rest };
  if (word === 'coach') return { kind: 'coach', text: rest };
  if (word === 'drill') return { kind: 'drill', args: rest };
  if (word === 'new' && (rest === '' || /^case\b/i.test(rest) || m?.[1]?.endsWith(':'))) return { kind: 'new', text: rest.replace(/^case\b:?\s*/i, '') };
  return { kind: 'coach', text };
}

/**
 * The help text's command lines, with the platform's way of addressing the bot (`/defuse ` on
 * Slack, nothing on Teams) after the platform's own lines on how to reach it.
 */
export function helpLines(prefix: string, howToReach: readonly string[]): string[] {
  return [
    ...howToReach,
    `\`${prefix}review <your draft reply>\`: I check the draft before you send it.`,
    `\`${prefix}mute\`: shorter answers, just the reading, the next step and one wording. \`${prefix}unmute\`: full answers.`,
    `\`${prefix}supervise\` in a channel: supervisor pings go there (\`${prefix}supervise off\` stops them).`,
    `\`${prefix}drill\`: practise on a simulated angry customer (\`${prefix}drill help\` for more).`,
  ];
}
