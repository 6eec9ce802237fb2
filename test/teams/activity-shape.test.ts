import { describe, expect, it } from 'vitest';
import { activityProblem } from '../../src/teams/teams-app.ts';

const good = {
  type: 'message',
  id: 'a1',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  channelId: 'msteams',
  conversation: { id: '19:abc', conversationType: 'personal' },
  from: { id: '29:user', name: 'Sam' },
  recipient: { id: '28:bot' },
  text: 'hello',
};

describe('the least an activity needs', () => {
  it('accepts a Bot Framework activity, extra fields and all', () => {
    expect(activityProblem(good)).toBeUndefined();
    const { id: _id, from: _from, recipient: _recipient, text: _text, ...bare } = good;
    expect(activityProblem(bare)).toBeUndefined();
  });

  it('names the first field that is missing or wrong', () => {
    const cases: [unknown, RegExp][] = [
      [null, /body/],
      [[good], /body/],
      [{ ...good, type: '' }, /^type/],
      [{ ...good, id: 5 }, /^id/],
      [{ ...good, serviceUrl: 'not a url' }, /^serviceUrl/],
      [{ ...good, serviceUrl: 'ftp://example.com/' }, /^serviceUrl/],
      [{ ...good, channelId: undefined }, /^channelId/],
      [{ ...good, conversation: undefined }, /^conversation\.id/],
      [{ ...good, conversation: { id: '' } }, /^conversation\.id/],
      [{ ...good, from: {} }, /^from\.id/],
      [{ ...good, recipient: { id: 3 } }, /^recipient\.id/],
      [{ ...good, text: { rich: true } }, /^text/],
    ];
    for (const [activity, problem] of cases) expect(activityProblem(activity), JSON.stringify(activity)).toMatch(problem);
  });
});
