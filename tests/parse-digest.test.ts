import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../retrieval/corpus.ts';
import { parseDigest } from '../retrieval/parse-digest.ts';
import type { Article } from '../retrieval/types.ts';
import { SEED_CORPUS } from './helpers/seed.ts';

const body = (a: Article) => a.paragraphs.map((p) => a.text.slice(p.start, p.end));

describe('seed corpus parsing', async () => {
  const { articles, warnings } = await loadCorpus(SEED_CORPUS);
  const byTitle = new Map(articles.map((a) => [a.title, a]));

  it('finds every article exactly once and nothing else', () => {
    expect(warnings).toEqual([]);
    expect(articles.map((a) => a.title)).toEqual([
      "Stop Israel's Genocidal Campaign Against Gaza",
      'Letter of Solidarity with People of Palestine',
      'Sri Lanka: Police Crackdown on Students',
      'Gaza Under Attack, Again!',
      'Railway Workers in the UK Organize Three-Day National Strike',
      '‘Inside Track’ of Putin-Xi Jinping Talks',
      'Sino-Russian Entente Shifts Tectonic Plates of World Politics',
      'Argentine Social Movements Denounce Illegal Raids by Government',
      'Israel is Losing',
      'Is Biden Really Against Israel’s Invasion of Rafah?',
      'West Bengal: Student Leaders Leading Left Revival in LS Polls',
    ]);
    expect(new Set(articles.map((a) => a.id)).size).toBe(articles.length);
  });

  it('reads bylines before or after the body, courtesy lines and the digest date', () => {
    const meta = (t: string) => {
      const a = byTitle.get(t)!;
      return [a.author, a.source, a.date];
    };
    expect(meta('‘Inside Track’ of Putin-Xi Jinping Talks')).toEqual(['M.K. Bhadrakumar', null, '2024-05-24']);
    expect(meta('Sino-Russian Entente Shifts Tectonic Plates of World Politics')).toEqual(['M.K. Bhadrakumar', 'Indian Punchline', '2024-05-24']);
    expect(meta('Argentine Social Movements Denounce Illegal Raids by Government')).toEqual(['Peoples Dispatch', 'Peoples Dispatch', '2024-05-24']);
    expect(meta('Israel is Losing')).toEqual([null, 'Peoples Dispatch', '2024-05-24']);
    expect(meta('Is Biden Really Against Israel’s Invasion of Rafah?')).toEqual(['Peoples Dispatch', null, '2024-05-24']);
    expect(meta('West Bengal: Student Leaders Leading Left Revival in LS Polls')).toEqual(['Peoples Dispatch', null, '2024-05-24']);
    for (const a of articles.slice(0, 5)) expect([a.author, a.source, a.date]).toEqual([null, null, null]);
  });

  it('keeps subheadings as sections of the same article', () => {
    const losing = byTitle.get('Israel is Losing')!;
    expect([...new Set(losing.paragraphs.map((p) => p.section))]).toEqual([
      null,
      'Israel’s defeat',
      'The movement for Palestine has backed Biden into a corner',
      'A victory for Palestine is a victory for the people of the world',
    ]);
    expect(body(losing)).not.toContain('Israel’s defeat');
    const bengal = byTitle.get('West Bengal: Student Leaders Leading Left Revival in LS Polls')!;
    expect(bengal.paragraphs.some((p) => p.section === 'Reviving the Left in Bengal')).toBe(true);
  });

  it('keeps captions, bios, standfirsts, "Read more" and "Courtesy" lines out of the body', () => {
    for (const a of articles) {
      for (const p of body(a)) {
        expect(p).not.toMatch(/^(Courtesy:|Read more:)/);
        expect(p).not.toMatch(/Photo:/);
        expect(p).not.toMatch(/is a former diplomat/);
        expect(p).not.toBe(a.standfirst);
        expect(p).not.toBe(a.author);
      }
    }
    const sino = byTitle.get('Sino-Russian Entente Shifts Tectonic Plates of World Politics')!;
    expect(sino.notes.some((n) => n.startsWith('MK Bhadrakumar is a former diplomat.'))).toBe(true);
    expect(byTitle.get('West Bengal: Student Leaders Leading Left Revival in LS Polls')!.notes).toContain('Left Front candidate Dipsita Dhar.');
    expect(byTitle.get('Israel is Losing')!.standfirst).toMatch(/^Seven months into Israel’s genocide/);
  });

  it('normalises text once: no no-break spaces or whitespace runs, paragraphs index into it', () => {
    for (const a of articles) {
      expect(a.text).not.toMatch(/[\u00a0\u202f]| {2,}|\t/);
      expect(a.text).toBe(a.text.normalize('NFC'));
      expect(a.text).toBe(body(a).join('\n\n'));
      for (const p of body(a)) expect(p).toBe(p.trim());
    }
    expect(byTitle.get('Israel is Losing')!.text).toContain('“the catastrophe,”');
  });

  it('parses each digest article from its own text, not from neighbours', () => {
    const raw = readFileSync(join(SEED_CORPUS, '004_c0837807500beceb.txt'), 'utf8');
    const drafts = parseDigest(raw, 'fallback');
    expect(drafts).toHaveLength(6);
    const argentina = byTitle.get('Argentine Social Movements Denounce Illegal Raids by Government')!;
    expect(argentina.text).toMatch(/Patricia Bullrich/);
    expect(argentina.text).not.toMatch(/Rafah/);
  });
});
