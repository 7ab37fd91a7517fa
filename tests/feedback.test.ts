import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { feedbackToQuestions } from '../cli/feedback.ts';
import { FeedbackStore } from '../discord/feedback.ts';
import { questionFromMessage } from '../discord/question-text.ts';
import { safeUploadPath } from '../discord/upload.ts';
import { PROJECT_ROOT } from '../retrieval/settings.ts';
import type { Answer, Passage } from '../retrieval/types.ts';

const ARTICLE = { id: 'a1', title: 'Railway Workers Strike', author: 'Jane Doe', source: 'Peoples Dispatch', date: '2024-05-24' };
const passage = (quote: string, over: Partial<Passage> = {}): Passage => ({ quote, score: 0.8, paragraph: 2, section: null, start: 10, end: 10 + quote.length, kind: 'body', answer: null, article: ARTICLE, ...over });
const answered = (question: string, ...passages: Passage[]): Answer => ({ question, answered: true, passages, related: [] });
const refused = (question: string): Answer => ({ question, answered: false, passages: [], related: [] });
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'fb-')), 'f.sqlite');

describe('feedback store (SQLite)', () => {
  it('keeps one vote per user per answer across reopening the file: the salt persists, so a changed vote replaces the old one', () => {
    const path = dbPath();
    const a = new FeedbackStore(path);
    a.recordAnswer('k1', answered('When did it start?', passage('It began on June 21.')), 'gen-1', 'model-x');
    expect(a.vote('k1', '111111111111111111', 1)).toEqual({ helpful: 1, notHelpful: 0 });
    a.close();
    const b = new FeedbackStore(path);
    expect(b.vote('k1', '111111111111111111', -1)).toEqual({ helpful: 0, notHelpful: 1 });
    expect(b.vote('k1', '222222222222222222', -1)).toEqual({ helpful: 0, notHelpful: 2 });
    expect(b.recorded('k1')).toEqual({ question: 'When did it start?', articleIds: ['a1'] });
    expect(b.recorded('nope')).toBeNull();
    b.close();
    expect(readFileSync(path).toString('latin1')).not.toContain('111111111111111111');
  });

  it('two installs hash the same user differently (a per-install salt)', () => {
    const hashes = [dbPath(), dbPath()].map((p) => {
      const s = new FeedbackStore(p);
      s.recordAnswer('k', refused('x?'), 'g', 'm');
      s.vote('k', '333333333333333333', 1);
      s.close();
      const db = new Database(p, { readonly: true });
      const h = (db.prepare('SELECT user_hash FROM votes').get() as { user_hash: string }).user_hash;
      db.close();
      return h;
    });
    expect(hashes[0]).not.toBe(hashes[1]);
  });

  it('forgets answers nobody voted on after 30 days, and keeps voted ones', () => {
    const path = dbPath();
    const s = new FeedbackStore(path);
    s.recordAnswer('old-unvoted', refused('a?'), 'g', 'm');
    s.recordAnswer('old-voted', refused('b?'), 'g', 'm');
    s.vote('old-voted', '4', 1);
    s.close();
    const db = new Database(path);
    db.prepare("UPDATE answers SET created_at = '2020-01-01T00:00:00.000Z'").run();
    db.close();
    const again = new FeedbackStore(path);
    expect(again.hasAnswer('old-unvoted')).toBe(false);
    expect(again.hasAnswer('old-voted')).toBe(true);
    again.close();
  });
});

describe('feedback export (the evaluation set format)', () => {
  it('helpful answers become answerable questions, helpful refusals farOff, the rest toReview; a question voted twice is kept once', () => {
    const s = new FeedbackStore(':memory:');
    const span = passage('The strike began on June 21 at dawn.', { answer: { start: 20, end: 27 } });
    s.recordAnswer('1', answered('When did the strike begin?', span), 'g', 'm');
    s.recordAnswer('2', answered('When did the strike begin?', span), 'g', 'm');
    s.recordAnswer('3', refused('Boiling point of mercury?'), 'g', 'm');
    s.recordAnswer('4', answered('Who won?', passage('Nobody knows.')), 'g', 'm');
    s.recordAnswer('5', answered('Not voted?', passage('Quiet.')), 'g', 'm');
    s.vote('1', 'u1', 1);
    s.vote('2', 'u2', 1);
    s.vote('3', 'u1', 1);
    s.vote('4', 'u1', -1);
    const out = feedbackToQuestions(s.votedAnswers());
    s.close();
    expect(out.answerable).toEqual([{ q: 'When did the strike begin?', expect: 'June 21', title: 'Railway Workers Strike', type: 'feedback', style: 'discord', split: 'validation' }]);
    expect(out.farOff).toEqual([{ q: 'Boiling point of mercury?', split: 'validation' }]);
    expect(out.nearTopic).toEqual([]);
    expect(out.toReview).toEqual([{ q: 'Who won?', shown: [{ title: 'Railway Workers Strike', paragraph: 2, quote: 'Nobody knows.' }], helpful: 0, notHelpful: 1 }]);
  });
});

describe('npm run cli -- feedback', () => {
  it('prints the summary and exports the voted questions to the file named', () => {
    const path = dbPath();
    const s = new FeedbackStore(path);
    s.recordAnswer('1', answered('When did the strike begin?', passage('The strike began on June 21 at dawn.', { answer: { start: 20, end: 27 } })), 'g', 'model-x');
    s.recordAnswer('2', answered('Who won?', passage('Nobody knows.')), 'g', 'model-x');
    s.vote('1', 'u1', 1);
    s.vote('2', 'u1', -1);
    s.vote('2', 'u2', -1);
    s.close();
    const out = join(mkdtempSync(join(tmpdir(), 'fb-out-')), 'export.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), 'feedback', '--export', out], { cwd: PROJECT_ROOT, encoding: 'utf8', env: { ...process.env, FEEDBACK_DB: path } });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Feedback in ${path}: 2 answers voted on, 1 helpful and 2 not helpful votes.`);
    expect(r.stdout).toContain('2↓ 0↑  Who won?  → Railway Workers Strike');
    expect(r.stderr).toContain(`Wrote 1 answerable and 0 unanswerable questions (1 to review) to ${out}.`);
    const set = JSON.parse(readFileSync(out, 'utf8'));
    expect(set.answerable).toEqual([expect.objectContaining({ q: 'When did the strike begin?', expect: 'June 21' })]);
    expect(set.toReview.map((x: { q: string }) => x.q)).toEqual(['Who won?']);
  });
});

describe('message text as a question', () => {
  it('drops mentions, links, custom emoji and code-fence markers, and clips to 500 characters', () => {
    expect(questionFromMessage('<@123456789012345678> <@&223456789012345678> ```js\nwho runs <#323456789012345678> the railways?``` <:rail:423456789012345678> https://x.y/z @here')).toBe('who runs the railways?');
    expect(questionFromMessage(`why ${'very '.repeat(200)}long`).length).toBeLessThanOrEqual(500);
    expect(questionFromMessage('<https://example.com>   ')).toBe('');
  });
});

describe('upload names', () => {
  it('a hostile attachment name becomes a generated name directly inside the corpus folder', () => {
    const dir = '/srv/corpus';
    for (const name of ['../../etc/passwd.txt', '..\\..\\boot.ini.md', '/abs/olute.json', '.hidden.txt', '\u0000evil\u202e.txt']) {
      const p = safeUploadPath(dir, name, new Date('2026-12-01T00:00:00Z'));
      expect(p).toMatch(/^\/srv\/corpus\/discord-2026-12-01-[a-z0-9-]+-[0-9a-f]{6}\.(txt|md|json)$/);
    }
    expect(safeUploadPath(dir, '../../etc/passwd.txt')).toMatch(/\/discord-\d{4}-\d\d-\d\d-passwd-[0-9a-f]{6}\.txt$/);
    expect(() => safeUploadPath(dir, 'report.pdf')).toThrow(/not a file the corpus reads/);
  });
});
