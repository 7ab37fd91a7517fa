import { describe, expect, it } from 'vitest';
import { ConfigError, loadBotConfig } from '../bot/config.ts';
import { createLogger } from '../bot/log.ts';
import { AnswerCache } from '../discord/answer-cache.ts';
import { Cooldown } from '../discord/cooldown.ts';
import { clip, embedLength, fitEmbed, split } from '../discord/limits.ts';
import type { Answer } from '../retrieval/types.ts';

describe('Discord text limits', () => {
  it('clip keeps whole sentences when it can, else whole words, and marks the cut', () => {
    expect(clip('Short.', 10)).toBe('Short.');
    expect(clip('First sentence is right here. Second sentence is longer than the room.', 40)).toBe('First sentence is right here. …');
    // A sentence end too early would throw most of the room away: cut at a word instead.
    expect(clip('First sentence here. Second sentence is longer than the room.', 40)).toBe('First sentence here. Second sentence is…');
    expect(clip('averyveryverylongword another word', 20)).toBe('averyveryverylongwo…');
    const c = clip('alpha beta gamma delta epsilon', 18);
    expect(c).toBe('alpha beta gamma…');
    expect(c.length).toBeLessThanOrEqual(18);
  });

  it('split breaks at paragraphs or sentences into pieces within the limit, losing nothing', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} says something.`).join(' ');
    const parts = split(text, 200);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(200);
    expect(parts.join(' ')).toBe(text);
    expect(parts.every((p) => p.endsWith('.'))).toBe(true);
  });

  it('fitEmbed clips each part and keeps the total within 6000', () => {
    const e = fitEmbed({ title: 't'.repeat(300), description: 'word '.repeat(1000), fields: Array.from({ length: 30 }, (_, i) => ({ name: `f${i}`, value: 'v '.repeat(600) })), footer: { text: 'x' } });
    expect(e.title!.length).toBeLessThanOrEqual(256);
    expect(e.fields!.length).toBeLessThanOrEqual(25);
    expect(embedLength(e)).toBeLessThanOrEqual(6000);
    expect(embedLength(fitEmbed({ description: 'word '.repeat(2000) }, 3000))).toBeLessThanOrEqual(3000);
  });
});

describe('bot settings and helpers', () => {
  it('names every missing or bad setting at once', () => {
    expect(() => loadBotConfig({ DISCORD_TOKEN: 'abc def', DISCORD_GUILD_ID: 'my-server', DISCORD_API_BASE: 'localhost:3000', EMBEDDING_ENGINE: 'gpt' })).toThrowError(ConfigError);
    try {
      loadBotConfig({ DISCORD_TOKEN: 'abc def', DISCORD_GUILD_ID: 'my-server', DISCORD_API_BASE: 'localhost:3000', EMBEDDING_ENGINE: 'gpt' });
    } catch (e) {
      const msg = (e as Error).message;
      for (const name of ['DISCORD_TOKEN contains spaces', 'DISCORD_CLIENT_ID is missing', 'DISCORD_GUILD_ID', 'DISCORD_API_BASE', 'EMBEDDING_ENGINE']) expect(msg).toContain(name);
      expect(msg).not.toContain('abc def');
    }
  });

  it('checks the answer threads and the shutdown grace period', () => {
    expect(loadBotConfig({})).toMatchObject({ answerThreads: null, shutdownGraceMs: 10_000 });
    expect(loadBotConfig({ ANSWER_THREADS: '0', SHUTDOWN_GRACE_SECONDS: '2.5' })).toMatchObject({ answerThreads: 0, shutdownGraceMs: 2500 });
    expect(() => loadBotConfig({ ANSWER_THREADS: 'two', SHUTDOWN_GRACE_SECONDS: '-1' })).toThrowError(/ANSWER_THREADS must be a whole number[\s\S]*SHUTDOWN_GRACE_SECONDS must be/);
  });

  it('accepts a complete configuration and runs without a token (chat mode)', () => {
    const c = loadBotConfig({ DISCORD_TOKEN: 'a.b.c', DISCORD_CLIENT_ID: '100000000000000001', DISCORD_API_BASE: 'http://127.0.0.1:9/api/', ASK_COOLDOWN_SECONDS: '3' });
    expect(c).toMatchObject({ token: 'a.b.c', clientId: '100000000000000001', guildId: null, apiBase: 'http://127.0.0.1:9/api', askCooldownMs: 3000 });
    expect(loadBotConfig({}).token).toBeNull();
  });

  it('redacts the token wherever it appears in a log line', () => {
    const lines: string[] = [];
    const log = createLogger(['secret.token.value'], (l) => lines.push(l));
    log.error('failed', { error: new Error('bad auth Bot secret.token.value'), header: 'secret.token.value' });
    expect(lines.join('')).not.toContain('secret.token.value');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', msg: 'failed', header: '[redacted]' });
  });

  it('cooldown and answer cache expire', () => {
    let t = 0;
    const cd = new Cooldown(5000, () => t);
    expect(cd.take('u')).toBe(0);
    t = 2000;
    expect(cd.take('u')).toBe(3000);
    expect(cd.take('v')).toBe(0);
    t = 5000;
    expect(cd.take('u')).toBe(0);
    const cache = new AnswerCache(2, 1000, () => t);
    const a: Answer = { question: 'q', answered: false, passages: [], related: [] };
    cache.put('1', a);
    cache.put('2', a);
    cache.put('3', a);
    expect(cache.get('1')).toBeNull();
    expect(cache.get('3')).toBe(a);
    t += 1001;
    expect(cache.get('3')).toBeNull();
  });
});
