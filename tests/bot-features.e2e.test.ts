import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateDevSet } from '../bench/devset.ts';
import { loadQuestionSet } from '../bench/question-set.ts';
import type { BotConfig } from '../bot/config.ts';
import { createLogger } from '../bot/log.ts';
import { startBot, type RunningBot } from '../bot/start.ts';
import { feedbackToQuestions } from '../cli/feedback.ts';
import { FeedbackStore } from '../discord/feedback.ts';
import type { Engine } from '../retrieval/engine.ts';
import { buttonClick, messageCommand, modalSubmit, slashCommand, userMessage, type Who } from './fake-discord/interactions.ts';
import { expectWithinDiscordLimits } from './fake-discord/limits.ts';
import { APP_ID, FakeDiscord, GUILD_ID } from './fake-discord/server.ts';
import { openSeedEngine } from './helpers/seed.ts';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.token-features';
const STRIKE = 'Railway Workers in the UK Organize Three-Day National Strike';

const buttons = (msg: any): any[] => (msg.components ?? []).flatMap((r: any) => r.components);
const button = (msg: any, label: RegExp) => buttons(msg).find((c) => label.test(c.label));

describe('Discord features end to end: ask about a message, votes, follow-ups (real discord.js client, fake Discord)', () => {
  const fake = new FakeDiscord();
  const logs: string[] = [];
  const feedbackDb = join(mkdtempSync(join(tmpdir(), 'feedback-')), 'votes.sqlite');
  let bot: RunningBot;
  let engine: Engine;
  let users = 0;

  beforeAll(async () => {
    await fake.start();
    engine = await openSeedEngine();
    const config: BotConfig = { token: TOKEN, clientId: APP_ID, guildId: GUILD_ID, apiBase: fake.apiBase, askCooldownMs: 0, answerThreads: null, shutdownGraceMs: 10_000, engine: engine.settings, feedbackDb };
    bot = await startBot(config, engine, createLogger([TOKEN], (l) => logs.push(l)));
  });

  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
  });

  const send = (payload: { id: string; token: string }, edited = false) => fake.interact(payload, edited);
  const newUser = (): Who => ({ userId: String(700000000000000000n + BigInt(++users)) });

  it('registers the message context-menu command beside the slash commands', async () => {
    const put = await fake.waitFor((r) => r.method === 'PUT');
    const menu = put.body.find((c: { name: string }) => c.name === 'Ask about this message');
    expect(menu).toMatchObject({ type: 3 });
    expect(menu.description ?? '').toBe('');
    // Mentions are off by default: only the Guilds intent.
    expect(fake.identifies.at(-1).intents).toBe(1);
  });

  let privateAnswer: any;
  it('"Ask about this message" answers the target message’s text privately, cleaned of mentions, links and code fences', async () => {
    const target = userMessage('<@100000000000000001> ```\nHow long is the national strike by UK railway workers?\n``` see https://example.com/x @everyone');
    const { callback, edit } = await send(messageCommand('Ask about this message', target, newUser()), true);
    expect(callback).toMatchObject({ type: 5, data: { flags: 64 } });
    expectWithinDiscordLimits(edit);
    expect(edit.embeds[0].title).toBe('How long is the national strike by UK railway workers?');
    expect(edit.embeds[0].description).toContain(STRIKE);
    expect(button(edit, /^Post publicly$/)).toBeDefined();
    expect(button(edit, /Helpful \(0\)/)).toBeDefined();
    expect(edit.allowed_mentions).toEqual({ parse: [] });
    privateAnswer = edit;
  });

  it('a message with no words gets a clear private message', async () => {
    const { callback } = await send(messageCommand('Ask about this message', userMessage('<@123456789012345678> https://example.com'), newUser()));
    expect(callback).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(callback.data.content).toMatch(/no words to ask about/);
  });

  it('"Post publicly" posts the same answer in the channel, not privately', async () => {
    const who = newUser();
    const { callback } = await send(buttonClick(button(privateAnswer, /^Post publicly$/).custom_id, { ...privateAnswer, flags: 64 }, who));
    expect(callback.type).toBe(4);
    expect(callback.data.flags ?? 0).toBe(0);
    expect(callback.data.embeds[0].description).toBe(privateAnswer.embeds[0].description);
    expect(callback.data.content).toBe(`Shared by <@${who.userId}>`);
    expect(callback.data.allowed_mentions).toEqual({ parse: [] });
    expect(button(callback.data, /^Post publicly$/)).toBeUndefined();
  });

  it('votes: one per user per answer, changeable, the count shown on the buttons and kept in SQLite with hashed user ids', async () => {
    const { edit } = await send(slashCommand('ask', { question: 'How long is the national strike by UK railway workers?' }, newUser()), true);
    const up = button(edit, /Helpful \(0\)/).custom_id;
    const down = button(edit, /Not helpful \(0\)/).custom_id;
    const alice = newUser();
    const bob = newUser();
    const labels = (r: { callback: any }) => buttons(r.callback.data).filter((c) => /helpful/i.test(c.label)).map((c) => c.label);

    const a1 = await send(buttonClick(up, edit, alice));
    expect(a1.callback.type).toBe(7);
    expect(labels(a1)).toEqual(['👍 Helpful (1)', '👎 Not helpful (0)']);
    // The update changes only the buttons: the passages stay as they were.
    expect(a1.callback.data.embeds).toBeUndefined();
    const again = await send(buttonClick(up, a1.callback.data, alice));
    expect(labels(again)).toEqual(['👍 Helpful (1)', '👎 Not helpful (0)']);
    const b1 = await send(buttonClick(down, again.callback.data, bob));
    expect(labels(b1)).toEqual(['👍 Helpful (1)', '👎 Not helpful (1)']);
    const a2 = await send(buttonClick(down, b1.callback.data, alice));
    expect(labels(a2)).toEqual(['👍 Helpful (0)', '👎 Not helpful (2)']);
    const a3 = await send(buttonClick(up, a2.callback.data, alice));
    expect(labels(a3)).toEqual(['👍 Helpful (1)', '👎 Not helpful (1)']);

    // Paging keeps the counts.
    const more = button(edit, /^More passages$/);
    if (!more.disabled) {
      const page = await send(buttonClick(more.custom_id, edit, newUser()));
      expect(labels(page)).toEqual(['👍 Helpful (1)', '👎 Not helpful (1)']);
    }

    const key = up.split(':')[2];
    const db = new Database(feedbackDb, { readonly: true });
    try {
      const rows = db.prepare('SELECT user_hash, vote FROM votes WHERE answer_id = ?').all(key) as { user_hash: string; vote: number }[];
      expect(rows.map((r) => r.vote).sort()).toEqual([-1, 1]);
      for (const r of rows) expect(r.user_hash).toMatch(/^[0-9a-f]{64}$/);
      const shown = db.prepare('SELECT question, passages, index_generation, model FROM answers WHERE id = ?').get(key) as any;
      expect(shown.question).toBe('How long is the national strike by UK railway workers?');
      expect(shown.index_generation).toBe(engine.generation);
      expect(shown.model).toBe(engine.embedder.id);
      const passages = JSON.parse(shown.passages);
      expect(passages[0]).toMatchObject({ title: STRIKE, paragraph: expect.any(Number), start: expect.any(Number), end: expect.any(Number) });
      // The quote kept is the article's own text at the offsets recorded.
      expect(engine.article(passages[0].articleId)!.text.slice(passages[0].start, passages[0].end)).toContain(passages[0].quote.slice(0, 40));
    } finally {
      db.close();
    }
    const raw = readFileSync(feedbackDb).toString('latin1') + (() => {
      try {
        return readFileSync(`${feedbackDb}-wal`).toString('latin1');
      } catch {
        return '';
      }
    })();
    expect(raw).not.toContain(alice.userId);
    expect(raw).not.toContain(bob.userId);
  });

  let strikeAnswer: any;
  it('"Ask a follow-up" opens a modal (type 9); the submitted question is answered within the articles of the first answer', async () => {
    const first = await send(slashCommand('ask', { question: 'How long is the national strike by UK railway workers?' }, newUser()), true);
    strikeAnswer = first.edit;
    const follow = button(first.edit, /^Ask a follow-up$/);
    const who = newUser();
    const opened = await send(buttonClick(follow.custom_id, first.edit, who));
    expect(opened.callback.type).toBe(9);
    expect(opened.callback.data.custom_id).toBe(follow.custom_id);
    const input = opened.callback.data.components[0].components[0];
    expect(input).toMatchObject({ type: 4, custom_id: 'question', required: true, max_length: 500 });

    const { callback, edit } = await send(modalSubmit(opened.callback.data.custom_id, { question: 'Which union called the strike?' }, first.edit, who), true);
    expect(callback.type).toBe(5);
    expectWithinDiscordLimits(edit);
    expect(edit.content).toMatch(/^Follow-up to “How long is the national strike by UK railway workers\?”: answered from the article of that answer\.$|answered from the \d articles of that answer\.$/);
    const firstTitles = new Set([...first.edit.embeds[0].description.matchAll(/^— \*([^*]+?)(?: — [^*]+)?\*, /gm)].map((m) => m[1]));
    const titles = [...edit.embeds[0].description.matchAll(/^— \*([^*]+?)(?: — [^*]+)?\*, /gm)].map((m) => m[1]);
    expect(titles.length).toBeGreaterThan(0);
    for (const t of titles) expect(firstTitles).toContain(t);
  });

  it('a follow-up nothing in those articles answers is asked of the whole corpus, and says so', async () => {
    const who = newUser();
    const follow = button(strikeAnswer, /^Ask a follow-up$/).custom_id;
    const { edit } = await send(modalSubmit(follow, { question: 'What did Biden say about the Israeli invasion of Rafah?' }, strikeAnswer, who), true);
    expect(edit.content).toMatch(/nothing in the (article|\d articles) of that answer covers it, so the whole corpus was searched\./);
    expect(edit.embeds[0].description ?? '').not.toContain(STRIKE);
  });

  it('an empty follow-up gets a clear private message', async () => {
    const follow = button(strikeAnswer, /^Ask a follow-up$/).custom_id;
    const { callback } = await send(modalSubmit(follow, { question: '   ' }, strikeAnswer, newUser()));
    expect(callback).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(callback.data.content).toMatch(/Please type a question/);
  });

  it('the votes survive the store being reopened, and export as an evaluation set that the evaluator runs', async () => {
    // Another vote, on a refusal, so the export has both kinds.
    const refused = await send(slashCommand('ask', { question: 'What is the boiling point of mercury?' }, newUser()), true);
    await send(buttonClick(button(refused.edit, /Helpful \(0\)/).custom_id, refused.edit, newUser()));
    const strikeUp = button(strikeAnswer, /Helpful \(0\)/).custom_id;
    await send(buttonClick(strikeUp, strikeAnswer, newUser()));

    const store = new FeedbackStore(feedbackDb);
    let questions;
    try {
      const voted = store.votedAnswers();
      expect(voted.length).toBeGreaterThanOrEqual(3);
      questions = feedbackToQuestions(voted);
    } finally {
      store.close();
    }
    expect(questions.answerable.map((q) => q.q)).toContain('How long is the national strike by UK railway workers?');
    expect(questions.answerable.find((q) => q.q.startsWith('How long'))).toMatchObject({ title: STRIKE, split: 'validation' });
    expect(questions.farOff).toEqual(expect.arrayContaining([{ q: 'What is the boiling point of mercury?', split: 'validation' }]));
    const file = join(mkdtempSync(join(tmpdir(), 'export-')), 'feedback.json');
    writeFileSync(file, JSON.stringify(questions));
    const report = await evaluateDevSet(engine, loadQuestionSet(file), 'all');
    expect(report.answerable).toBe(questions.answerable.length);
    // The expected quote was the one shown and voted helpful, so the same index finds it again.
    expect(report.hit1).toBe(report.answerable);
    expect(report.farOff).toBe(questions.farOff.length);
    expect(report.refusedFarOff).toBe(report.farOff);
  });

  it('never logs the token', () => {
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});
