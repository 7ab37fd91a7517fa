import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { PROJECT_ROOT } from '../retrieval/settings.ts';

function cli(args: string[], opts: { input?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), ...args], {
    cwd: PROJECT_ROOT,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, EMBEDDING_ENGINE: 'use-lite', INDEX_DIR: inject('seedIndexDir'), CORPUS_DIR: join(PROJECT_ROOT, 'data', 'corpus'), ...opts.env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('CLI contract', () => {
  it('ask --json prints one contract object per question, per line', () => {
    const r = cli(['ask', '--json', 'Why are UK railway workers striking?', 'What is the boiling point of mercury?']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    const [hit, miss] = lines;
    expect(Object.keys(hit).sort()).toEqual(['answered', 'passages', 'question']);
    expect(hit.question).toBe('Why are UK railway workers striking?');
    expect(hit.answered).toBe(true);
    expect(hit.passages.length).toBeGreaterThan(0);
    expect(hit.passages.length).toBeLessThanOrEqual(5);
    for (const p of hit.passages) {
      expect(Object.keys(p).sort()).toEqual(['article', 'paragraph', 'quote', 'score']);
      expect(Object.keys(p.article).sort()).toEqual(['author', 'date', 'id', 'source', 'title']);
      expect(typeof p.quote).toBe('string');
      expect(Number.isInteger(p.paragraph)).toBe(true);
    }
    expect(hit.passages[0].article.title).toBe('Railway Workers in the UK Organize Three-Day National Strike');
    expect(miss).toEqual({ question: 'What is the boiling point of mercury?', answered: false, passages: [] });
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
    expect(r.err).toMatch(/Building the index from .*data\/corpus/);
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
