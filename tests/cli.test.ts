import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { answerToJson, formatAnswer } from '../cli/format.ts';
import { PROJECT_ROOT } from '../retrieval/settings.ts';
import type { Passage } from '../retrieval/types.ts';

// The seed index's model (tests/helpers/seed.ts): another one would make the CLI re-embed the shared index.
function cli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), ...args], {
    cwd: PROJECT_ROOT,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, EMBEDDING_ENGINE: 'transformers', ALLOW_MODEL_DOWNLOAD: 'false', INDEX_DIR: inject('seedIndexDir'), CORPUS_DIR: join(PROJECT_ROOT, 'data', 'corpus'), ...opts.env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** One passage of `ask --json`: the contract's fields, the answer span inside the quote. */
function expectPassageShape(p: any) {
  expect(Object.keys(p).sort()).toEqual(['answer', 'article', 'kind', 'paragraph', 'quote', 'score']);
  expect(Object.keys(p.article).sort()).toEqual(['author', 'date', 'id', 'source', 'title']);
  expect(typeof p.quote).toBe('string');
  expect(Number.isInteger(p.paragraph)).toBe(true);
  expect(['body', 'author', 'standfirst', 'caption', 'source']).toContain(p.kind);
  expect(p.paragraph === 0).toBe(p.kind !== 'body');
  if (p.answer !== null) {
    expect(Object.keys(p.answer).sort()).toEqual(['end', 'start']);
    expect(0 <= p.answer.start && p.answer.start < p.answer.end && p.answer.end <= p.quote.length).toBe(true);
  }
}

const ARTICLE = { id: 'a1', title: 'Railway Workers Strike', author: 'Jane Doe', source: 'Peoples Dispatch', date: '2024-05-24' };
const passage = (quote: string, span: string | null, over: Partial<Passage> = {}): Passage => {
  const at = span ? quote.indexOf(span) : -1;
  return { quote, score: 0.81, paragraph: 2, section: null, start: 10, end: 10 + quote.length, kind: 'body', answer: span ? { start: at, end: at + span.length } : null, article: ARTICLE, ...over };
};

describe('CLI output of hand-built answers', () => {
  const body = passage('The strike began on June 21, said the union.', 'June 21');
  const bio = passage('Jane Doe has covered rail since 2009.', '2009', { kind: 'author', paragraph: 0, section: 'About the author', score: 0.62 });

  it('--json gives each passage its kind and answer span, and the answer its related passages', () => {
    const json = JSON.parse(JSON.stringify(answerToJson({ question: 'q', answered: true, passages: [body, bio], related: [] })));
    expect(json.related).toEqual([]);
    json.passages.forEach(expectPassageShape);
    expect(json.passages[0]).toMatchObject({ kind: 'body', answer: body.answer });
    expect(json.passages[0].quote.slice(json.passages[0].answer.start, json.passages[0].answer.end)).toBe('June 21');
    expect(json.passages[1]).toMatchObject({ kind: 'author', paragraph: 0, answer: bio.answer });
    const miss = JSON.parse(JSON.stringify(answerToJson({ question: 'q', answered: false, passages: [], related: [body] })));
    expect(miss.passages).toEqual([]);
    expect(miss.related).toHaveLength(1);
    expect(miss.missing).toBeNull();
    miss.related.forEach(expectPassageShape);
    const lacking = JSON.parse(JSON.stringify(answerToJson({ question: 'q', answered: false, passages: [], related: [body], missing: 'number' })));
    expect(lacking.missing).toBe('number');
  });

  it('text names the answer words under the unchanged quote and cites bio quotes as about the author', () => {
    const text = formatAnswer({ question: 'q', answered: true, passages: [body, bio, passage('No span here.', null, { paragraph: 5 })], related: [] });
    const lines = text.split('\n');
    expect(lines[0]).toBe(`1. “${body.quote}”`);
    expect(lines[1]).toBe('   answer: “June 21”');
    expect(lines[2]).toMatch(/^   — Railway Workers Strike — Jane Doe, Peoples Dispatch, 2024-05-24, paragraph 2 \[score 0\.81\]$/);
    const bioAt = lines.indexOf(`2. “${bio.quote}”`);
    expect(lines[bioAt + 1]).toBe('   answer: “2009”');
    expect(lines[bioAt + 2]).toMatch(/, about the author \[score 0\.62\]$/);
    expect(lines[bioAt + 2]).not.toMatch(/paragraph 0/);
    const third = lines.indexOf('3. “No span here.”');
    expect(lines[third + 1]).toMatch(/^   — .*paragraph 5/);
  });

  it('text of an unanswered question: the refusal, then numbered closest passages without answer lines', () => {
    const none = formatAnswer({ question: 'q?', answered: false, passages: [], related: [] });
    expect(none).toBe('Nothing reliable found in the corpus for "q?".');
    const text = formatAnswer({ question: 'q?', answered: false, passages: [], related: [body, bio] });
    const lines = text.split('\n');
    expect(lines[0]).toBe(none);
    expect(lines).toContain('Closest passages (not an answer):');
    expect(lines.indexOf('Closest passages (not an answer):')).toBeLessThan(lines.indexOf(`1. “${body.quote}”`));
    expect(lines).toContain(`2. “${bio.quote}”`);
    expect(text).not.toMatch(/answer: /);
    expect(text).toMatch(/about the author/);
    // The topic is covered, the fact is not: the refusal says which kind of fact.
    const lacking = formatAnswer({ question: 'q?', answered: false, passages: [], related: [body], missing: 'date' });
    expect(lacking.split('\n')[0]).toBe('Nothing reliable found in the corpus for "q?": the passages on this topic give no date.');
  });
});

describe('CLI contract', () => {
  it('ask --json prints one contract object per question, per line', () => {
    const r = cli(['ask', '--json', 'Why are UK railway workers striking?', 'What is the boiling point of mercury?']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    const [hit, miss] = lines;
    expect(Object.keys(hit).sort()).toEqual(['answered', 'missing', 'passages', 'question', 'related']);
    expect(hit.related).toEqual([]);
    expect(hit.question).toBe('Why are UK railway workers striking?');
    expect(hit.answered).toBe(true);
    expect(hit.passages.length).toBeGreaterThan(0);
    expect(hit.passages.length).toBeLessThanOrEqual(5);
    for (const p of [...hit.passages, ...miss.related]) expectPassageShape(p);
    expect(hit.passages[0].article.title).toBe('Railway Workers in the UK Organize Three-Day National Strike');
    expect(miss).toMatchObject({ question: 'What is the boiling point of mercury?', answered: false, passages: [] });
    expect(Object.keys(miss).sort()).toEqual(['answered', 'missing', 'passages', 'question', 'related']);
    expect(miss.missing).toBeNull();
    expect(miss.related.length).toBeLessThanOrEqual(5);
  });

  it('articles --json lists the corpus with paragraph counts', () => {
    const list = JSON.parse(cli(['articles', '--json']).out);
    expect(list).toHaveLength(11);
    expect(Object.keys(list[0]).sort()).toEqual(['author', 'date', 'id', 'paragraphs', 'source', 'title']);
    expect(list.find((a: { title: string }) => a.title === 'Israel is Losing').paragraphs).toBe(21);
  });

  it('summary cites paragraphs in article order; sources finds the covering articles', () => {
    const s = JSON.parse(cli(['summary', '--json', 'sino-russian entente']).out);
    expect(s.article.title).toBe('Sino-Russian Entente Shifts Tectonic Plates of World Politics');
    const paras = s.sentences.map((x: { paragraph: number }) => x.paragraph);
    expect(paras.length).toBeGreaterThan(1);
    expect([...paras].sort((a, b) => a - b)).toEqual(paras);
    const src = JSON.parse(cli(['sources', '--json', 'raids on social movements in Argentina']).out);
    expect(src[0]).toMatchObject({ title: 'Argentine Social Movements Denounce Illegal Raids by Government', source: 'Peoples Dispatch' });
  });

  it('reports usage errors on stderr with exit code 2, and keeps answering the other questions', () => {
    const bad = cli(['ask', '--json', '--since', '24/05/2024', 'Rafah']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--since needs a date as YYYY-MM-DD/);
    expect(bad.out).toBe('');
    const mixed = cli(['ask', '--json', '   ', 'railway strike']);
    expect(mixed.code).toBe(2);
    expect(mixed.err).toMatch(/Please type a question/);
    expect(mixed.out.trim().split('\n')).toHaveLength(1);
    expect(cli(['frobnicate']).err).toMatch(/Unknown command "frobnicate"/);
    expect(cli(['summary', 'no such article at all']).err).toMatch(/No article matches/);
  });

  it('builds the index on first use and says where from', () => {
    const r = cli(['ask', '--json', 'Sri Lanka students police'], { env: { INDEX_DIR: mkdtempSync(join(tmpdir(), 'cli-index-')) } });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/No index in .* yet; building it from .*data\/corpus/);
    expect(r.err).toMatch(/Index ready: 11 articles from 2 files/);
    expect(JSON.parse(r.out).passages[0].article.title).toBe('Sri Lanka: Police Crackdown on Students');
  });

  it('chat answers questions and commands from stdin', () => {
    const r = cli(['chat'], { input: '/articles\nrailway strike in the UK\n/summary Israel is Losing\n\n/quit\n' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/11 articles indexed/);
    expect(r.out).toMatch(/Railway Workers in the UK Organize Three-Day National Strike/);
    expect(r.out).toMatch(/Israel is Losing — Peoples Dispatch, 2024-05-24/);
  });
});
