import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { PROJECT_ROOT } from '../retrieval/settings.ts';
import type { Answer } from '../retrieval/types.ts';

/** FEEDBACK_DB, or .feedback/feedback.sqlite in the project. */
export const feedbackDbFromEnv = (env: NodeJS.ProcessEnv = process.env): string => resolve(env.FEEDBACK_DB?.trim() || resolve(PROJECT_ROOT, '.feedback', 'feedback.sqlite'));

export type Vote = 1 | -1;

/** What an answer showed, as it is kept with its votes: enough to rebuild an evaluation question. */
export interface ShownPassage {
  articleId: string;
  title: string;
  /** 1-based body paragraph; 0 for the author's bio. */
  paragraph: number;
  start: number;
  end: number;
  quote: string;
  /** The bolded answer span inside `quote`, when there was one. */
  answer: { start: number; end: number } | null;
}

export interface RecordedAnswer {
  id: string;
  question: string;
  answered: boolean;
  passages: ShownPassage[];
  /** Which version of the corpus answered (SearchIndex.generation: the embedded index's build time, or Postgres's generation). */
  indexGeneration: string;
  model: string;
  helpful: number;
  notHelpful: number;
}

export interface Tally {
  helpful: number;
  notHelpful: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
  id TEXT PRIMARY KEY,
  question TEXT NOT NULL,
  answered INTEGER NOT NULL,
  passages TEXT NOT NULL,
  index_generation TEXT NOT NULL,
  model TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
  answer_id TEXT NOT NULL REFERENCES answers(id),
  user_hash TEXT NOT NULL,
  vote INTEGER NOT NULL CHECK (vote IN (1, -1)),
  voted_at TEXT NOT NULL,
  PRIMARY KEY (answer_id, user_hash)
);
`;

type Maybe<T> = T | Promise<T>;

/**
 * What the commands need of a vote store. The SQLite store answers at once; one over a network
 * database (the Postgres store, when DATABASE_URL is set) returns promises, and callers await either.
 */
export interface Feedback {
  recordAnswer(id: string, answer: Answer, indexGeneration: string, model: string): Maybe<void>;
  hasAnswer(id: string): Maybe<boolean>;
  recorded(id: string): Maybe<{ question: string; articleIds: string[] } | null>;
  vote(answerId: string, userId: string, vote: Vote): Maybe<Tally>;
  tally(answerId: string): Maybe<Tally>;
  close(): Maybe<void>;
}

/** Answers nobody voted on are forgotten after this long (their buttons stopped working long before). */
const UNVOTED_KEPT_MS = 30 * 24 * 3600_000;

/**
 * Helpful / Not helpful votes on answers, in SQLite (one file, WAL, survives restarts). A user id is
 * stored only as an HMAC under a random per-install salt: one vote per user per answer can be kept
 * without keeping who voted.
 */
export class FeedbackStore implements Feedback {
  private readonly db: Database.Database;
  private readonly salt: Buffer;

  constructor(readonly path: string) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(SCHEMA);
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get('salt') as { value: string } | undefined;
    if (row) this.salt = Buffer.from(row.value, 'hex');
    else {
      this.salt = randomBytes(32);
      this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('salt', this.salt.toString('hex'));
    }
    this.db.prepare('DELETE FROM answers WHERE created_at < ? AND id NOT IN (SELECT answer_id FROM votes)').run(new Date(Date.now() - UNVOTED_KEPT_MS).toISOString());
  }

  private userHash(userId: string): string {
    return createHmac('sha256', this.salt).update(userId).digest('hex');
  }

  /** Keeps what an answer showed, so later votes on it become evaluation data. Idempotent. */
  recordAnswer(id: string, answer: Answer, indexGeneration: string, model: string): void {
    const passages: ShownPassage[] = answer.passages.map((p) => ({ articleId: p.article.id, title: p.article.title, paragraph: p.paragraph, start: p.start, end: p.end, quote: p.quote, answer: p.answer }));
    this.db
      .prepare('INSERT OR IGNORE INTO answers (id, question, answered, passages, index_generation, model, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, answer.question, answer.answered && answer.passages.length ? 1 : 0, JSON.stringify(passages), indexGeneration, model, new Date().toISOString());
  }

  hasAnswer(id: string): boolean {
    return !!this.db.prepare('SELECT 1 FROM answers WHERE id = ?').get(id);
  }

  /** The question of a recorded answer and the articles it quoted, best first (a follow-up after a restart or re-index). */
  recorded(id: string): { question: string; articleIds: string[] } | null {
    const r = this.db.prepare('SELECT question, passages FROM answers WHERE id = ?').get(id) as { question: string; passages: string } | undefined;
    if (!r) return null;
    return { question: r.question, articleIds: [...new Set((JSON.parse(r.passages) as ShownPassage[]).map((p) => p.articleId))] };
  }

  /** Records (or changes) one user's vote on an answer; returns the new tally. */
  vote(answerId: string, userId: string, vote: Vote): Tally {
    this.db
      .prepare('INSERT INTO votes (answer_id, user_hash, vote, voted_at) VALUES (?, ?, ?, ?) ON CONFLICT (answer_id, user_hash) DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at')
      .run(answerId, this.userHash(userId), vote, new Date().toISOString());
    return this.tally(answerId);
  }

  tally(answerId: string): Tally {
    const r = this.db.prepare('SELECT COALESCE(SUM(vote = 1), 0) AS helpful, COALESCE(SUM(vote = -1), 0) AS notHelpful FROM votes WHERE answer_id = ?').get(answerId) as Tally;
    return { helpful: Number(r.helpful), notHelpful: Number(r.notHelpful) };
  }

  /** Every answer that has at least one vote, oldest first. */
  votedAnswers(): RecordedAnswer[] {
    const rows = this.db
      .prepare(
        `SELECT a.id, a.question, a.answered, a.passages, a.index_generation, a.model,
                SUM(v.vote = 1) AS helpful, SUM(v.vote = -1) AS notHelpful
           FROM answers a JOIN votes v ON v.answer_id = a.id
          GROUP BY a.id ORDER BY a.created_at, a.id`,
      )
      .all() as { id: string; question: string; answered: number; passages: string; index_generation: string; model: string; helpful: number; notHelpful: number }[];
    return rows.map((r) => ({ id: r.id, question: r.question, answered: r.answered === 1, passages: JSON.parse(r.passages) as ShownPassage[], indexGeneration: r.index_generation, model: r.model, helpful: Number(r.helpful), notHelpful: Number(r.notHelpful) }));
  }

  close(): void {
    this.db.close();
  }
}
