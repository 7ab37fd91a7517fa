import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { BotConfig } from '../bot/config.ts';
import { createLogger } from '../bot/log.ts';
import { startBot, type RunningBot } from '../bot/start.ts';
import { Engine } from '../retrieval/engine.ts';
import { autocomplete, buttonClick, modalSubmit, slashCommand, slashWithAttachment, type Who } from './fake-discord/interactions.ts';
import { APP_ID, FakeDiscord, GUILD_ID, snowflake } from './fake-discord/server.ts';
import { SEED_CORPUS, seedSettings } from './helpers/seed.ts';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.token-articles';
const ADMIN: Who = { admin: true, userId: '800000000000000001' };

const HARBOUR = `---
title: Dockers Win a Shorter Week at the Harbour of Valdoria
author: Mara Quist
date: 2024-03-02
source: Coastal Ledger
---

The dockers of Valdoria voted on Thursday to accept a four-day week after a strike that lasted nineteen days.

Union leaders said the agreement keeps every crane operator on full pay and adds two inspectors to each shift.
`;

describe('/add-article and /remove-article end to end (real discord.js client, fake Discord serving the attachments)', () => {
  const fake = new FakeDiscord();
  const logs: string[] = [];
  const corpusDir = join(mkdtempSync(join(tmpdir(), 'corpus-')), 'corpus');
  const indexDir = join(mkdtempSync(join(tmpdir(), 'index-')), 'index');
  let bot: RunningBot;
  let engine: Engine;
  let dockersAnswer: any;

  beforeAll(async () => {
    // A copy of the seed corpus and its index: the commands write to the corpus folder.
    cpSync(SEED_CORPUS, corpusDir, { recursive: true });
    cpSync(inject('seedIndexDir'), indexDir, { recursive: true });
    await fake.start();
    engine = await Engine.open(seedSettings(indexDir, corpusDir));
    const config: BotConfig = { token: TOKEN, clientId: APP_ID, guildId: GUILD_ID, apiBase: fake.apiBase, askCooldownMs: 0, answerThreads: 0, shutdownGraceMs: 10_000, engine: engine.settings };
    bot = await startBot(config, engine, createLogger([TOKEN], (l) => logs.push(l)));
  });

  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
  });

  const attach = (filename: string, bytes: Buffer, declared = bytes.length) => ({ id: snowflake(), filename, size: declared, url: fake.serveFile(filename, bytes) });
  const add = (filename: string, bytes: Buffer, who: Who = ADMIN, declared?: number, edited = true) => fake.interact(slashWithAttachment('add-article', 'file', attach(filename, bytes, declared), who), edited);
  /** An attachment refused before the deferral: a private reply. */
  const refused = (filename: string, bytes: Buffer, declared?: number) => add(filename, bytes, ADMIN, declared, false);
  const corpusFiles = () => readdirSync(corpusDir).sort();

  it('registers both commands for server managers only', async () => {
    const put = await fake.waitFor((r) => r.method === 'PUT');
    for (const name of ['add-article', 'remove-article']) {
      const c = put.body.find((x: { name: string }) => x.name === name);
      expect(c.default_member_permissions).toBe('32');
    }
    expect(put.body.find((x: { name: string }) => x.name === 'add-article').options[0]).toMatchObject({ name: 'file', type: 11, required: true });
  });

  it('refuses a member without Manage Server, before downloading anything', async () => {
    const before = fake.requests.length;
    const a = attach('harbour.md', Buffer.from(HARBOUR));
    const { callback } = await fake.interact(slashWithAttachment('add-article', 'file', a, { admin: false }));
    expect(callback).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(callback.data.content).toMatch(/Manage Server/);
    expect(fake.requests.slice(before).some((r) => r.path.startsWith('/files/'))).toBe(false);
  });

  it('adds a Markdown article: saved in the corpus folder, indexed, and the reply lists its title, author and date', async () => {
    const before = corpusFiles();
    const { callback, edit } = await add('harbour.md', Buffer.from(HARBOUR));
    expect(callback).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(edit.content).toMatch(/^Added 1 article from `harbour\.md` \(saved as `discord-\d{4}-\d\d-\d\d-harbour-[0-9a-f]{6}\.md`\)/);
    expect(edit.content).toContain('• **Dockers Win a Shorter Week at the Harbour of Valdoria** — Mara Quist · 2024-03-02 · Coastal Ledger');
    expect(edit.allowed_mentions).toEqual({ parse: [] });
    const added = corpusFiles().filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    expect(readFileSync(join(corpusDir, added[0]!), 'utf8')).toBe(HARBOUR);
    // Answers come from it at once.
    const { edit: answer } = await fake.interact(slashCommand('ask', { question: 'How long did the Valdoria dockers strike?' }, { userId: '800000000000000002' }), true);
    expect(answer.embeds[0].description).toContain('Dockers Win a Shorter Week at the Harbour of Valdoria');
    expect(answer.embeds[0].description).toMatch(/nineteen days/);
    dockersAnswer = answer;
  });

  it('a hostile attachment name never leaves the corpus folder: the file gets a generated name inside it', async () => {
    const before = corpusFiles();
    const { edit } = await add('../../etc/passwd.txt', Buffer.from('Lighthouse Keepers Return to Skerry Point\n\nThe last three lighthouse keepers of Skerry Point returned to work on Monday after the council restored their night allowance.\n'));
    expect(edit.content).toMatch(/saved as `discord-\d{4}-\d\d-\d\d-passwd-[0-9a-f]{6}\.txt`/);
    expect(edit.content).toContain('Lighthouse Keepers Return to Skerry Point');
    const added = corpusFiles().filter((f) => !before.includes(f));
    expect(added).toHaveLength(1);
    expect(added[0]).toMatch(/^discord-[\w-]+\.txt$/);
    expect(existsSync(resolve(corpusDir, '../../etc/passwd.txt'))).toBe(false);
    expect(existsSync(resolve(corpusDir, '..', 'etc'))).toBe(false);
  });

  it('a follow-up on an answer from before the last re-index still searches that answer’s articles', async () => {
    // The hostile-name upload re-indexed, which drops the answers kept in memory; the vote store still has this one.
    const follow = dockersAnswer.components.flatMap((r: any) => r.components).find((c: any) => c.label === 'Ask a follow-up');
    const who = { userId: '800000000000000003' };
    const opened = await fake.interact(buttonClick(follow.custom_id, dockersAnswer, who));
    expect(opened.callback.type).toBe(9);
    const { edit } = await fake.interact(modalSubmit(follow.custom_id, { question: 'What did the union leaders say about pay?' }, dockersAnswer, who), true);
    expect(edit.content).toBe('Follow-up to “How long did the Valdoria dockers strike?”: answered from the article of that answer.');
    expect(edit.embeds[0].description).toContain('full pay');
  });

  it('refuses a 10 MB file: at once when its size says so, while downloading when the size was understated', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'All work and no play. ');
    const before = corpusFiles();
    const from = fake.requests.length;
    const stated = await refused('big.txt', big);
    expect(stated.callback).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(stated.callback.data.content).toMatch(/10 MB; \/add-article takes files up to 5 MB/);
    expect(fake.requests.slice(from).some((r) => r.path.startsWith('/files/'))).toBe(false);
    const understated = await add('big.txt', big, ADMIN, 1000);
    expect(understated.callback).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(understated.edit.content).toMatch(/larger than 5 MB, the most \/add-article takes/);
    expect(corpusFiles()).toEqual(before);
  });

  it('refuses a binary file, an empty one, malformed JSON and an unsupported type, each with a clear message, adding nothing', async () => {
    const before = corpusFiles();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), Buffer.alloc(4000, 7)]);
    const binary = await add('photo.txt', png);
    expect(binary.edit.content).toMatch(/^Nothing was added: the file could not be read as an article \(binary file/);
    const empty = await refused('empty.md', Buffer.alloc(0));
    expect(empty.callback).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(empty.callback.data.content).toMatch(/empty/);
    const bad = await add('feed.json', Buffer.from('{"title": "Half a record", "body": '));
    expect(bad.edit.content).toMatch(/^Nothing was added: the file could not be read as an article \(unreadable/);
    const pdf = await refused('report.pdf', Buffer.from('%PDF-1.4'));
    expect(pdf.callback.data.content).toMatch(/not a file the corpus reads/);
    expect(corpusFiles()).toEqual(before);
  });

  it('adds every record of a JSON Lines file and lists them all', async () => {
    const lines = [
      { title: 'Ferry Crews Agree a New Rota', author: 'Ilse Brandt', date: '2024-04-11', body: 'Ferry crews on the northern route agreed a new rota that ends split shifts.' },
      { title: 'Bakers Open a Cooperative in Harlow Street', date: '2024-04-12', body: 'Six bakers opened a cooperative bakery in Harlow Street with a loan from the credit union.' },
    ];
    const { edit } = await add('wire.jsonl', Buffer.from(lines.map((l) => JSON.stringify(l)).join('\n')));
    expect(edit.content).toMatch(/^Added 2 articles from `wire\.jsonl`/);
    expect(edit.content).toContain('• **Ferry Crews Agree a New Rota** — Ilse Brandt · 2024-04-11');
    expect(edit.content).toContain('• **Bakers Open a Cooperative in Harlow Street** — author not stated · 2024-04-12');
  });

  it('/remove-article autocompletes titles, moves the file aside and re-indexes; an article sharing its file is refused', async () => {
    const { callback } = await fake.interact(autocomplete('remove-article', 'article', 'dockers', ADMIN));
    const choice = callback.data.choices.find((c: { name: string }) => c.name.startsWith('Dockers Win a Shorter Week'));
    expect(choice).toBeDefined();
    const before = corpusFiles();
    const { edit } = await fake.interact(slashCommand('remove-article', { article: choice.value }, ADMIN), true);
    expect(edit.content).toMatch(/^Removed “Dockers Win a Shorter Week at the Harbour of Valdoria”/);
    const gone = before.filter((f) => !corpusFiles().includes(f));
    expect(gone).toHaveLength(1);
    expect(readdirSync(join(indexDir, 'removed')).some((f) => f.endsWith(gone[0]!))).toBe(true);
    expect(engine.findArticle('Dockers Win a Shorter Week at the Harbour of Valdoria')).toBeNull();

    const shared = await fake.interact(slashCommand('remove-article', { article: 'Israel is Losing' }, ADMIN));
    expect(shared.callback).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(shared.callback.data.content).toMatch(/is one of \d+ articles in `00[04]\\?_[0-9a-f]+\.txt`; nothing was removed/);
    expect(corpusFiles()).toEqual(before.filter((f) => f !== gone[0]));
  });

  it('never logs the token', () => {
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});
