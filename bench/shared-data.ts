import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../retrieval/settings.ts';

/** ../shared beside the project: research data for evaluation only, never copied into the project. */
export const SHARED = process.env.SHARED_DIR ? resolve(process.env.SHARED_DIR) : resolve(PROJECT_ROOT, '..', 'shared');

export function sharedFile(...parts: string[]): string {
  const path = resolve(SHARED, ...parts);
  if (!existsSync(path)) throw new Error(`${path} is missing: this needs the shared data folder beside the project (or SHARED_DIR).`);
  return path;
}

export interface SquadParagraph {
  title: string;
  context: string;
  questions: string[];
}

export function loadSquad(): SquadParagraph[] {
  const raw = JSON.parse(readFileSync(sharedFile('data', 'squad-dev-v1.1.json'), 'utf8')) as {
    data: { title: string; paragraphs: { context: string; qas: { question: string }[] }[] }[];
  };
  return raw.data.flatMap((a) => a.paragraphs.map((p) => ({ title: a.title, context: p.context, questions: p.qas.map((q) => q.question) })));
}

export interface JsonlArticle {
  id: string;
  title: string;
  body: string;
  date: string | null;
  author: string | null;
  source: string | null;
}

export function loadJsonl(name: string): JsonlArticle[] {
  return readFileSync(sharedFile('data', name), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as JsonlArticle);
}
