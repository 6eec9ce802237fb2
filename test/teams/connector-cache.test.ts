import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { cacheConnectorClients } from '../../src/teams/connector-cache.ts';

type Identity = Parameters<ConfigurationBotFrameworkAuthentication['createConnectorFactory']>[0];
/** The claims a Bot Framework token carries, in the shape botframework-connector reads. */
function identity(appid: string): Identity {
  const claims = [{ type: 'appid', value: appid }, { type: 'ver', value: '1.0' }];
  return { claims, isAuthenticated: true, getClaimValue: (t: string) => claims.find((c) => c.type === t)?.value ?? null } as unknown as Identity;
}

describe('connector clients', () => {
  it('are reused across turns for one bot, service URL and audience, and kept apart otherwise', async () => {
    const auth = new ConfigurationBotFrameworkAuthentication({});
    const fresh = await auth.createConnectorFactory(identity('bot-a')).create('http://127.0.0.1:9/teams/');
    const again = await auth.createConnectorFactory(identity('bot-a')).create('http://127.0.0.1:9/teams/');
    expect(again).not.toBe(fresh);

    cacheConnectorClients(auth);
    const first = await auth.createConnectorFactory(identity('bot-a')).create('http://127.0.0.1:9/teams/');
    const second = await auth.createConnectorFactory(identity('bot-a')).create('http://127.0.0.1:9/teams/');
    expect(second).toBe(first);
    expect(await auth.createConnectorFactory(identity('bot-a')).create('http://127.0.0.1:9/emea/')).not.toBe(first);
    expect(await auth.createConnectorFactory(identity('bot-b')).create('http://127.0.0.1:9/teams/')).not.toBe(first);
    expect(await auth.createConnectorFactory(identity('bot-a')).create('http://127.0.0.1:9/teams/', 'https://api.botframework.com')).not.toBe(first);
  });

  it('are reused for inbound activities too, whose factory comes with the authentication result', async () => {
    // No app id: the Emulator's unauthenticated mode, as the local service runs.
    const auth = new ConfigurationBotFrameworkAuthentication({});
    const activity = { type: 'message', serviceUrl: 'http://127.0.0.1:9/teams/', channelId: 'msteams', conversation: { id: 'a:1' } } as never;
    const clientOf = async () => {
      const r = await auth.authenticateRequest(activity, '');
      return r.connectorFactory!.create('http://127.0.0.1:9/teams/', r.audience);
    };
    expect(await clientOf()).not.toBe(await clientOf());

    cacheConnectorClients(auth);
    const first = await clientOf();
    expect(await clientOf()).toBe(first);
    const r = await auth.authenticateRequest(activity, '');
    expect(await r.connectorFactory!.create('http://127.0.0.1:9/emea/', r.audience)).not.toBe(first);
  });
});
