import { APP_ID, CHANNEL_ID, GUILD_ID as DEFAULT_GUILD, messageFrom, snowflake } from './server.ts';

const MANAGE_GUILD = 1n << 5n;

export interface Who {
  userId?: string;
  /** Manage Server permission. */
  admin?: boolean;
  /** The server it happens in (default GUILD_ID). */
  guildId?: string;
}

function base(type: number, who: Who) {
  const id = snowflake();
  const GUILD_ID = who.guildId ?? DEFAULT_GUILD;
  const user = { id: who.userId ?? '500000000000000005', username: 'reader', discriminator: '0', global_name: 'Reader', avatar: null };
  return {
    id,
    token: `token-${id}`,
    application_id: APP_ID,
    type,
    version: 1,
    guild_id: GUILD_ID,
    channel_id: CHANNEL_ID,
    channel: { id: CHANNEL_ID, type: 0, name: 'general', guild_id: GUILD_ID, permission_overwrites: [], position: 0 },
    member: { user, roles: [], permissions: String(who.admin ? MANAGE_GUILD : 0n), joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0, nick: null, avatar: null, pending: false },
    app_permissions: String((1n << 53n) - 1n),
    locale: 'en-US',
    guild_locale: 'en-US',
    entitlements: [],
    authorizing_integration_owners: { '0': GUILD_ID },
    context: 0,
  };
}

type Option = { name: string; type: number; value: string | number; focused?: boolean };

const option = (name: string, value: string | number): Option => ({ name, type: typeof value === 'number' ? 4 : 3, value });

export function slashCommand(name: string, options: Record<string, string | number> = {}, who: Who = {}) {
  return { ...base(2, who), data: { id: snowflake(), name, type: 1, guild_id: who.guildId ?? DEFAULT_GUILD, options: Object.entries(options).map(([k, v]) => option(k, v)) } };
}

export function autocomplete(name: string, focused: string, typed: string, who: Who = {}) {
  return { ...base(4, who), data: { id: snowflake(), name, type: 1, options: [{ ...option(focused, typed), focused: true }] } };
}

export function buttonClick(customId: string, message: { embeds?: unknown[]; components?: unknown[]; flags?: number } = {}, who: Who = {}) {
  return {
    ...base(3, who),
    data: { custom_id: customId, component_type: 2 },
    message: messageFrom({ embeds: message.embeds, components: message.components, flags: message.flags }),
  };
}

/** A member's message in the channel, as Discord resolves it for a context menu or sends it on the gateway. */
export function userMessage(content: string, who: Who = {}, extra: object = {}) {
  const author = { id: who.userId ?? '500000000000000005', username: 'reader', discriminator: '0', global_name: 'Reader', avatar: null };
  return { ...messageFrom({ content }), author, webhook_id: undefined, application_id: undefined, ...extra };
}

/** A message context-menu command (type 2, data.type 3) on `target`, with it in resolved.messages. */
export function messageCommand(name: string, target: { id: string }, who: Who = {}) {
  return { ...base(2, who), data: { id: snowflake(), name, type: 3, guild_id: who.guildId ?? DEFAULT_GUILD, target_id: target.id, resolved: { messages: { [target.id]: target } } } };
}

/** A modal submitted (type 5) with its text inputs, from a button on `message` when given. */
export function modalSubmit(customId: string, fields: Record<string, string>, message?: { embeds?: unknown[]; components?: unknown[]; flags?: number }, who: Who = {}) {
  return {
    ...base(5, who),
    data: { custom_id: customId, components: Object.entries(fields).map(([id, value]) => ({ type: 1, components: [{ type: 4, custom_id: id, value }] })) },
    ...(message ? { message: messageFrom(message) } : {}),
  };
}

/** A slash command with an attachment option (type 11) resolved to `attachment`. */
export function slashWithAttachment(name: string, option: string, attachment: { id: string; filename: string; size: number; url: string; content_type?: string }, who: Who = {}) {
  return {
    ...base(2, who),
    data: { id: snowflake(), name, type: 1, guild_id: who.guildId ?? DEFAULT_GUILD, options: [{ name: option, type: 11, value: attachment.id }], resolved: { attachments: { [attachment.id]: { ...attachment, proxy_url: attachment.url } } } },
  };
}
