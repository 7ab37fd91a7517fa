import { DiscordAPIError, HTTPError, MessageFlags, RESTJSONErrorCodes, type InteractionReplyOptions, type InteractionUpdateOptions, type ButtonInteraction, type RepliableInteraction } from 'discord.js';
import type { Logger } from '../commands/types.ts';

/** An interaction token lets the bot edit its reply and send follow-ups for 15 minutes. */
export const TOKEN_LIFE_MS = 15 * 60_000;
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 60_000;

/** Discord's way of saying the interaction is over: expired, its webhook gone, or answered already. Retrying cannot help. */
const GONE = new Set<unknown>([RESTJSONErrorCodes.UnknownInteraction, RESTJSONErrorCodes.UnknownWebhook, RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged]);

export const isGone = (e: unknown): e is DiscordAPIError => e instanceof DiscordAPIError && GONE.has(e.code);

// Connection failures, among them a keep-alive connection the server closed just as it was reused.
const SOCKET_CODES = new Set(['UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** A failure that may pass: a 5xx from Discord (discord.js already retried it a few times at once), a dropped connection, a timeout. */
export function isTransient(e: unknown): boolean {
  if (e instanceof HTTPError || e instanceof DiscordAPIError) return e.status >= 500;
  if (!(e instanceof Error)) return false;
  if (e.name === 'AbortError') return true;
  const code = (e as { code?: unknown }).code ?? (e.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && SOCKET_CODES.has(code);
}

/** Delivery gave up: the error was not transient, the token expired or the bot is stopping. Already logged. */
export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
}

export interface DeliveryOptions {
  log: Logger;
  /** Aborted when the bot stops waiting for in-flight answers. */
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Sends a reply edit or follow-up, retrying transient failures with doubling delays (0.5, 1, 2, 4 s…)
 * while the interaction token is valid. The payload is built once by the caller: only sending repeats.
 */
export async function deliver<T>(i: RepliableInteraction, what: string, send: () => Promise<T>, opts: DeliveryOptions): Promise<T> {
  const deadline = i.createdTimestamp + TOKEN_LIFE_MS - 5_000;
  const wait = opts.sleep ?? sleep;
  for (let attempt = 0, delay = FIRST_DELAY_MS; ; attempt++, delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await send();
    } catch (e) {
      const where = { interaction: i.id, what, attempt: attempt + 1 };
      if (isGone(e)) {
        opts.log.warn('interaction no longer answerable', { ...where, code: e.code });
        throw new DiscordGone(e);
      }
      if (!isTransient(e)) throw e;
      if (Date.now() + delay > deadline || opts.signal?.aborted) {
        opts.log.error('could not deliver; giving up', { ...where, error: e });
        throw new DeliveryFailed(`could not deliver ${what}`, { cause: e });
      }
      opts.log.warn('delivery failed; retrying', { ...where, retryInMs: delay, error: e });
      await wait(delay, opts.signal);
    }
  }
}

/** An expected Discord refusal (10062, 10015, 40060), already logged once as a warning. */
export class DiscordGone extends Error {
  override name = 'DiscordGone';
  constructor(readonly error: DiscordAPIError) {
    super(error.message);
  }
}

/**
 * Sends the acknowledgement of an interaction (a reply, a deferral, an update). A dropped connection
 * is retried at once (the 3-second window leaves no room for backoff); "already acknowledged" on a
 * retry means the first attempt got through, and `markDone` records that as discord.js would have.
 */
async function acknowledge(i: RepliableInteraction, what: string, send: () => Promise<unknown>, log: Logger, markDone: () => void): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await send();
      return;
    } catch (e) {
      if (attempt > 1 && e instanceof DiscordAPIError && e.code === RESTJSONErrorCodes.InteractionHasAlreadyBeenAcknowledged) {
        markDone();
        return;
      }
      if (isGone(e)) {
        log.warn('interaction no longer answerable', { interaction: i.id, what, code: e.code });
        throw new DiscordGone(e);
      }
      // A 5xx was already retried by discord.js.
      if (attempt >= 3 || !isTransient(e) || e instanceof HTTPError) throw e;
      log.warn('acknowledgement failed; retrying', { interaction: i.id, what, attempt, error: e });
    }
  }
}

export function deferReliably(i: RepliableInteraction, ephemeral: boolean, log: Logger): Promise<void> {
  return acknowledge(i, 'deferral', () => i.deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {}), log, () => {
    i.deferred = true;
    i.ephemeral = ephemeral;
  });
}

export function replyReliably(i: RepliableInteraction, payload: InteractionReplyOptions, log: Logger): Promise<void> {
  return acknowledge(i, 'reply', () => i.reply(payload), log, () => {
    i.replied = true;
  });
}

export function updateReliably(i: ButtonInteraction, payload: InteractionUpdateOptions, log: Logger): Promise<void> {
  return acknowledge(i, 'update', () => i.update(payload), log, () => {
    i.replied = true;
  });
}
