/**
 * One ConnectorClient per bot identity, service URL and audience, reused across turns. Each
 * connector factory botbuilder makes builds a new client with its own HTTP pipeline on every
 * `create`: a fifth of a turn's CPU under load (npm run bench, the Teams section's profile).
 * Factories come from two places: `authenticateRequest` (every inbound activity) and
 * `createConnectorFactory` (proactive turns); both are wrapped. The client refreshes its own
 * tokens, so reusing it is safe; botbuilder's older BotFrameworkAdapter kept such a cache too.
 */
import type { ConfigurationBotFrameworkAuthentication } from 'botbuilder';

// botbuilder does not re-export these connector types; they are read off the methods instead.
type Auth = ConfigurationBotFrameworkAuthentication;
type ClaimsIdentity = Parameters<Auth['createConnectorFactory']>[0];
type ConnectorFactory = ReturnType<Auth['createConnectorFactory']>;
type ConnectorClient = Awaited<ReturnType<ConnectorFactory['create']>>;

/** Service URLs are few (one per Teams region); this only bounds a misbehaving caller. */
const MAX_CLIENTS = 256;

export function cacheConnectorClients(auth: Auth): void {
  const clients = new Map<string, Promise<ConnectorClient>>();
  const cached = (identity: ClaimsIdentity, factory: ConnectorFactory): ConnectorFactory => {
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

  const createFactory = auth.createConnectorFactory.bind(auth);
  auth.createConnectorFactory = (identity) => cached(identity, createFactory(identity));

  const authenticate = auth.authenticateRequest.bind(auth);
  auth.authenticateRequest = async (activity, authHeader) => {
    const result = await authenticate(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: cached(result.claimsIdentity, result.connectorFactory) } : result;
  };
}
