/**
 * One ConnectorClient per bot identity, service URL and audience, reused across turns. The
 * CloudAdapter asks its authentication for a fresh connector factory on every turn, and each
 * factory builds a new client with its own HTTP pipeline: a measurable share of a turn under
 * load (npm run load). The client refreshes its own tokens, so reusing it is safe; botbuilder's
 * older BotFrameworkAdapter kept such a cache too.
 */
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

// botbuilder does not re-export these connector types; they are read off the method instead.
type Auth = ConfigurationBotFrameworkAuthentication;
type ClaimsIdentity = Parameters<Auth['createConnectorFactory']>[0];
type ConnectorFactory = ReturnType<Auth['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;

/** Service URLs are few (one per Teams region); this only bounds a misbehaving caller. */
const MAX_CLIENTS = 256;

export function cacheConnectorClients(auth: Auth): void {
  const original = auth.createConnectorFactory.bind(auth);
  const clients = new Map<string, Promise<ConnectorClient>>();
  auth.createConnectorFactory = (identity: ClaimsIdentity): ConnectorFactory => {
    const factory = original(identity);
    // Who the bot is in this turn: the claims that pick the credentials.
    const who = identity.claims
      .filter((c) => c.type === 'aud' || c.type === 'appid' || c.type === 'azp' || c.type === 'ver')
      .map((c) => `${c.type}=${c.value}`)
      .join('&');
    return {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        const key = `${who}|${serviceUrl}|${audience ?? ''}`;
        let client = clients.get(key);
        if (!client) {
          if (clients.size >= MAX_CLIENTS) clients.clear();
          client = factory.create(serviceUrl, audience);
          // A failed creation is not kept: the next turn tries again.
          client.catch(() => clients.delete(key));
          clients.set(key, client);
        }
        return client;
      },
    };
  };
}
