import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const APP_ID = '100000000000000001';
export const GUILD_ID = '200000000000000002';
export const CHANNEL_ID = '300000000000000003';
export const BOT_USER = { id: APP_ID, username: 'newsbot', discriminator: '0', global_name: null, avatar: null, bot: true };

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  auth: string | undefined;
  /** The status sent back; 0 when the connection was dropped instead. */
  status: number;
  /** Date.now() when the request arrived. */
  at: number;
}

/** What the fake does instead of answering normally: an error status, a dropped connection, or a delay first. */
export type Fault = { status: number; body?: unknown; headers?: Record<string, string> } | { drop: true } | { delayMs: number };

interface FaultRule {
  match: (r: { method: string; path: string }) => boolean;
  fault: Fault;
  /** Requests it still applies to. */
  left: number;
  /** Date.now() after which it no longer applies. */
  until: number;
}

/** The shard Discord routes a guild's events to: (guild_id >> 22) % shards. */
export const shardOf = (guildId: string, shards: number) => Number((BigInt(guildId) >> 22n) % BigInt(shards));

/** An edit of the original reply of an interaction (how deferred commands answer). */
export const isEdit = (r: { method: string; path: string }) => r.method === 'PATCH' && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(r.path);
/** An interaction callback (the acknowledgement: a reply, a deferral, an update). */
export const isCallback = (r: { method: string; path: string }) => r.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback$/.test(r.path);

const DISCORD_EPOCH = 1420070400000n;
let lastId = 0n;
/** A unique id that, like Discord's, encodes when it was made (discord.js reads interaction times from it). */
export const snowflake = () => {
  const now = (BigInt(Date.now()) - DISCORD_EPOCH) << 22n;
  lastId = now > lastId ? now : lastId + 1n;
  return String(lastId);
};

/** A message object as Discord returns it, built from what the bot sent (or an empty message). */
export function messageFrom(body: any, id = snowflake()) {
  return {
    id,
    channel_id: CHANNEL_ID,
    author: BOT_USER,
    content: body?.content ?? '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: body?.embeds ?? [],
    components: body?.components ?? [],
    pinned: false,
    type: 0,
    flags: body?.flags ?? 0,
    application_id: APP_ID,
    webhook_id: APP_ID,
  };
}

/**
 * A fake Discord on 127.0.0.1: the REST routes the bot uses and a JSON gateway. It records every
 * request so tests can assert on what the real discord.js client sent.
 */
export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  private http!: Server;
  private wss!: WebSocketServer;
  private sockets = new Set<WebSocket>();
  private seq = 0;
  private waiters: { pred: (r: RecordedRequest) => boolean; resolve: (r: RecordedRequest) => void }[] = [];
  private faults: FaultRule[] = [];
  /** Close codes of gateway connections the client closed. */
  readonly clientCloses: number[] = [];
  /** The IDENTIFY payloads (op 2) clients sent, in order: token, intents, shard ([id, count]) when sharded. */
  readonly identifies: any[] = [];
  port = 0;

  /** Applies `fault` to the next `times` matching requests, or to every one for `forMs`. */
  inject(match: FaultRule['match'], fault: Fault, opts: { times?: number; forMs?: number } = {}): void {
    this.faults.push({ match, fault, left: opts.times ?? Number.POSITIVE_INFINITY, until: opts.forMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + opts.forMs });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Closes every gateway connection with `code`, as Discord does (4004: the token was reset). */
  closeGateway(code: number, reason = ''): void {
    for (const ws of this.sockets) ws.close(code, reason);
  }

  /** Gateway connections opened so far. */
  gatewayConnects = 0;
  /** Shards announced by GET /gateway/bot. */
  shards = 1;
  /** Guilds the bot is in; each connection is told of those of its shard. */
  guilds: string[] = [GUILD_ID];
  /** Shard of each open gateway connection, once it identified. */
  private socketShard = new Map<WebSocket, [number, number]>();
  /** Interaction id → shard id of the connection it was dispatched on. */
  readonly dispatchedTo = new Map<string, number>();

  /** Files served as attachments would be from Discord's CDN, by path. */
  private files = new Map<string, Buffer>();

  /** Serves `bytes` under a URL that ends with `name` (percent-encoded, as Discord does) and returns the URL. */
  serveFile(name: string, bytes: Buffer): string {
    const path = `/files/${snowflake()}/${encodeURIComponent(name)}`;
    this.files.set(decodeURIComponent(path), bytes);
    return `http://127.0.0.1:${this.port}${path}`;
  }

  private faultFor(r: { method: string; path: string }): Fault | null {
    const now = Date.now();
    this.faults = this.faults.filter((f) => f.left > 0 && f.until > now);
    const rule = this.faults.find((f) => f.match(r));
    if (!rule) return null;
    rule.left--;
    return rule.fault;
  }

  get apiBase(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  async start(): Promise<void> {
    this.http = createServer((req, res) => void this.handle(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.http.on('upgrade', (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.gateway(ws)));
    await new Promise<void>((r) => this.http.listen(0, '127.0.0.1', r));
    this.port = (this.http.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }

  /** Resolves with the first request (already seen or future) that matches. */
  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs = 20_000, from = 0): Promise<RecordedRequest> {
    const seen = this.requests.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`fake Discord: no matching request within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ pred, resolve: (r) => (clearTimeout(t), resolve(r)) });
    });
  }

  private record(r: RecordedRequest) {
    this.requests.push(r);
    this.waiters = this.waiters.filter((w) => (w.pred(r) ? (w.resolve(r), false) : true));
  }

  private async handle(req: IncomingMessage, res: ServerResponse) {
    const arrived = Date.now();
    const url = new URL(req.url!, `http://127.0.0.1:${this.port}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any = null;
    if (raw) {
      // discord.js sends multipart only with files; the bot sends none.
      body = req.headers['content-type']?.includes('json') ? JSON.parse(raw) : raw;
    }
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v\d+/, '');
    const r: RecordedRequest = { method: req.method!, path, query: url.searchParams, body, auth: req.headers.authorization, status: 0, at: arrived };
    const send = (status: number, data?: unknown, headers: Record<string, string> = {}) => {
      r.status = status;
      res.writeHead(status, data === undefined ? headers : { 'content-type': 'application/json', ...headers });
      res.end(data === undefined ? undefined : JSON.stringify(data));
    };
    let fault = this.faultFor(r);
    if (fault && 'delayMs' in fault) {
      await new Promise((resolve) => setTimeout(resolve, (fault as { delayMs: number }).delayMs));
      fault = null;
    }
    let m: RegExpMatchArray | null;
    if (fault && 'drop' in fault) {
      req.socket.destroy();
    } else if (fault) {
      send(fault.status, fault.body ?? { message: `injected ${fault.status}`, code: 0 }, fault.headers);
    } else if (req.method === 'GET' && this.files.has(path)) {
      const bytes = this.files.get(path)!;
      r.status = 200;
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) });
      res.end(bytes);
    } else if (req.method === 'GET' && path === '/gateway/bot') {
      send(200, { url: `ws://127.0.0.1:${this.port}`, shards: this.shards, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } });
    } else if (req.method === 'PUT' && (m = path.match(/^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
      send(200, (body as any[]).map((c) => ({ ...c, id: snowflake(), application_id: m![1], guild_id: m![2], version: snowflake(), type: c.type ?? 1 })));
    } else if (req.method === 'POST' && (m = path.match(/^\/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      if (url.searchParams.get('with_response') === 'true') {
        send(200, { interaction: { id: m[1], type: 2, response_message_id: snowflake(), response_message_loading: body?.type === 5, response_message_ephemeral: false }, resource: { type: body?.type, message: messageFrom(body?.data) } });
      } else send(204);
    } else if ((req.method === 'PATCH' || req.method === 'GET') && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(path)) {
      send(200, messageFrom(body));
    } else if (req.method === 'POST' && /^\/webhooks\/\d+\/[^/]+$/.test(path)) {
      send(200, messageFrom(body));
    } else if (req.method === 'POST' && /^\/channels\/\d+\/messages$/.test(path)) {
      send(200, { ...messageFrom(body), message_reference: body?.message_reference, webhook_id: undefined });
    } else {
      send(404, { message: `fake Discord has no route ${req.method} ${path}`, code: 0 });
    }
    this.record(r);
  }

  private gateway(ws: WebSocket) {
    this.sockets.add(ws);
    this.gatewayConnects++;
    ws.on('close', (code) => {
      this.sockets.delete(ws);
      this.socketShard.delete(ws);
      this.clientCloses.push(code);
    });
    const out = (payload: object) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(payload));
    out({ op: 10, d: { heartbeat_interval: 30_000 } });
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { op: number; d: any };
      if (msg.op === 1) out({ op: 11 });
      if (msg.op === 6) out({ op: 0, t: 'RESUMED', s: ++this.seq, d: {} });
      if (msg.op === 2) {
        this.identifies.push(msg.d);
        const shard = Array.isArray(msg.d?.shard) ? (msg.d.shard as [number, number]) : null;
        if (shard) this.socketShard.set(ws, shard);
        const mine = this.guilds.filter((g) => !shard || shardOf(g, shard[1]) === shard[0]);
        out({
          op: 0,
          t: 'READY',
          s: ++this.seq,
          d: {
            v: 10,
            user: { ...BOT_USER, verified: true, flags: 0, mfa_enabled: false },
            guilds: mine.map((id) => ({ id, unavailable: true })),
            ...(shard ? { shard } : {}),
            session_id: 'fake-session',
            resume_gateway_url: `ws://127.0.0.1:${this.port}`,
            application: { id: APP_ID, flags: 0 },
            private_channels: [],
            relationships: [],
          },
        });
        for (const id of mine) out({ op: 0, t: 'GUILD_CREATE', s: ++this.seq, d: guildPayload(id) });
      }
    });
  }

  /**
   * Dispatches an interaction and resolves the bot's callback to it and, when `edited`, the edit of
   * the original reply (deferred commands answer that way).
   */
  async interact(payload: { id: string; token: string }, edited = false): Promise<{ callback: any; edit: any }> {
    const from = this.requests.length;
    this.dispatchInteraction(payload);
    const callback = await this.waitFor((r) => r.path === `/interactions/${payload.id}/${payload.token}/callback`, 20_000, from);
    const edit = edited ? await this.waitFor((r) => r.method === 'PATCH' && r.path === `/webhooks/${APP_ID}/${payload.token}/messages/@original`, 30_000, from) : null;
    return { callback: callback.body, edit: edit?.body };
  }

  /** Sends any gateway event (e.g. MESSAGE_CREATE) to every connected client. */
  dispatch(t: string, d: object): void {
    for (const ws of this.sockets) ws.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
  }

  /** Sends INTERACTION_CREATE to every connected client; with shards, only to the connection of the guild's shard, as Discord routes it. */
  dispatchInteraction(d: object): void {
    const guild = (d as { guild_id?: string }).guild_id;
    for (const ws of this.sockets) {
      const shard = this.socketShard.get(ws);
      if (guild && shard && shardOf(guild, shard[1]) !== shard[0]) continue;
      if (shard) this.dispatchedTo.set((d as { id: string }).id, shard[0]);
      ws.send(JSON.stringify({ op: 0, t: 'INTERACTION_CREATE', s: ++this.seq, d }));
    }
  }
}

function guildPayload(id = GUILD_ID) {
  return {
    id,
    name: 'Test Server',
    icon: null,
    owner_id: '900000000000000009',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    roles: [{ id, name: '@everyone', permissions: '0', position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
    emojis: [],
    stickers: [],
    features: [],
    mfa_level: 0,
    system_channel_flags: 0,
    premium_tier: 0,
    preferred_locale: 'en-US',
    nsfw_level: 0,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: 2,
    members: [],
    channels: [{ id: CHANNEL_ID, type: 0, name: 'general', position: 0, permission_overwrites: [], guild_id: id }],
    threads: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}
