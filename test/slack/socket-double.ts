/**
 * A local stand-in for Slack's Socket Mode WebSocket: greets a client with "hello", sends it
 * envelopes as Slack does, and collects the acknowledgements it sends back.
 */
import { WebSocketServer, type WebSocket } from 'ws';

export class SocketDouble {
  private server: WebSocketServer | undefined;
  private client: WebSocket | undefined;
  readonly acks: string[] = [];
  url = '';
  private connected: Promise<void> | undefined;

  async start(): Promise<void> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    const a = this.server.address();
    this.url = `ws://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/link`;
    this.connected = new Promise((resolve) => {
      this.server!.on('connection', (ws) => {
        this.client = ws;
        ws.on('message', (data) => {
          const msg = JSON.parse(String(data)) as { envelope_id?: string };
          if (msg.envelope_id) this.acks.push(msg.envelope_id);
        });
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'local-double', approximate_connection_time: 3600 }, connection_info: { app_id: 'A1' } }));
        resolve();
      });
    });
  }

  waitConnected(): Promise<void> {
    return this.connected!;
  }

  /** Sends an Events API envelope carrying `payload` (an event_callback body). */
  sendEvent(envelopeId: string, payload: Record<string, unknown>): void {
    this.client!.send(JSON.stringify({ envelope_id: envelopeId, type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload }));
  }

  async waitAck(envelopeId: string, timeoutMs = 5000): Promise<void> {
    const start = Date.now();
    while (!this.acks.includes(envelopeId)) {
      if (Date.now() - start > timeoutMs) throw new Error(`no ack for ${envelopeId}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    for (const c of this.server?.clients ?? []) c.terminate();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
