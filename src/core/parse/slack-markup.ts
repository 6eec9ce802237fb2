/**
 * Slack's message markup, turned into the plain text a person would read:
 * <@U123> mentions go, <https://x|label> becomes its label, entities are decoded,
 * and code blocks become quote lines (agents paste customer messages into them).
 */
export function stripChatMarkup(text: string): string {
  let t = text;
  t = t.replace(/```([\s\S]*?)```/g, (_m, body: string) =>
    body
      .replace(/^\n+|\n+$/g, '')
      .split('\n')
      .map((l) => `> ${l}`)
      .join('\n'),
  );
  t = t.replace(/<@[UW][A-Z0-9]+(?:\|([^>]*))?>/g, (_m, name?: string) => (name ? `@${name}` : ''));
  t = t.replace(/<#C[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, name?: string) => (name ? `#${name}` : '#channel'));
  t = t.replace(/<!(?:here|channel|everyone)(?:\|[^>]*)?>/g, '');
  t = t.replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_m, name?: string) => name ?? '');
  t = t.replace(/<((?:https?|mailto|tel):[^|>\s]+)\|([^>]+)>/g, (_m, _url: string, label: string) => label);
  t = t.replace(/<((?:https?|mailto|tel):[^>\s]+)>/g, (_m, url: string) => url.replace(/^mailto:/, ''));
  t = t.replace(/`([^`\n]+)`/g, '$1');
  t = t.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return t;
}
