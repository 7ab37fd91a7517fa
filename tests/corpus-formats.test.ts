import { chmodSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCorpus } from '../retrieval/corpus.ts';

function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

describe('corpus formats', () => {
  it('reads markdown front matter, HTML, JSON and JSONL records', async () => {
    const dir = folder({
      'a.md': '---\ntitle: Harbour Reopens\nauthor: Ana Ruiz\ndate: 2024-03-01\nsource: Port Gazette\n---\n\nThe harbour reopened on Monday.\n\n## Traffic\n\nShips queued\u00a0at dawn.\n',
      'b.html': '<html><head><title>Site | x</title><meta name="author" content="Li Wei"><meta property="og:site_name" content="Daily Post"></head><body><article><h1>Bridge Closed</h1><p>The bridge closed for repairs.</p><h2>Detours</h2><p>Buses use the ring road.</p><script>var x = 1;</script></article></body></html>',
      'c.json': JSON.stringify([{ title: 'Rain Record', author: 'K. Osei', date: 'May 2, 2024', body: 'It rained all week.\n\nRivers rose.' }]),
      'nested/d.jsonl': `${JSON.stringify({ title: 'Mayor Elected', body: 'The mayor won.', url: 'https://example.org/m' })}\n${JSON.stringify({ title: 'Second', body: 'Two.' })}\n`,
    });
    const { articles, warnings } = await loadCorpus(dir);
    expect(warnings).toEqual([]);
    const t = Object.fromEntries(articles.map((a) => [a.title, a]));
    expect(Object.keys(t).sort()).toEqual(['Bridge Closed', 'Harbour Reopens', 'Mayor Elected', 'Rain Record', 'Second']);
    expect(t['Harbour Reopens']).toMatchObject({ author: 'Ana Ruiz', date: '2024-03-01', source: 'Port Gazette' });
    expect(t['Harbour Reopens']!.text).toBe('The harbour reopened on Monday.\n\nShips queued at dawn.');
    expect(t['Harbour Reopens']!.paragraphs[1]!.section).toBe('Traffic');
    expect(t['Bridge Closed']).toMatchObject({ author: 'Li Wei', source: 'Daily Post' });
    expect(t['Bridge Closed']!.text).not.toContain('var x');
    expect(t['Bridge Closed']!.paragraphs.map((p) => p.section)).toEqual([null, 'Detours']);
    expect(t['Rain Record']).toMatchObject({ date: '2024-05-02', author: 'K. Osei' });
    expect(t['Rain Record']!.paragraphs).toHaveLength(2);
    expect(t['Mayor Elected']!.url).toBe('https://example.org/m');
    expect(t['Mayor Elected']!.file).toBe(join('nested', 'd.jsonl'));
  });

  it('skips bad files and records with a warning naming each, and keeps the rest', async () => {
    const dir = folder({
      'good.txt': 'Good Title\n\nA real paragraph about the town council.',
      'empty.txt': '',
      'binary.txt': Buffer.from([0x47, 0x49, 0x46, 0x00, 0x01, 0x02]),
      'broken.json': '{"title": "x", ',
      'records.jsonl': `${JSON.stringify({ title: 'Kept', body: 'Body.' })}\nnot json\n${JSON.stringify({ title: 'No body' })}\n`,
      'latin1.txt': Buffer.from('Caf\xe9 Owners Protest\n\nThe caf\xe9 owners marched.', 'latin1'),
      'locked.md': '# Locked\n\nSecret.',
      'image.png': Buffer.from([0x89, 0x50]),
    });
    const root = process.getuid?.() === 0;
    chmodSync(join(dir, 'locked.md'), 0o000);
    const { articles, warnings } = await loadCorpus(dir);
    const byFile = Object.fromEntries(warnings.map((w) => [w.file, w.message]));
    expect(byFile['empty.txt']).toMatch(/empty/);
    expect(byFile['binary.txt']).toMatch(/binary/);
    expect(byFile['broken.json']).toMatch(/unreadable/);
    expect(warnings.filter((w) => w.file === 'records.jsonl').map((w) => w.message)).toEqual([
      expect.stringMatching(/^line 2: .*skipped/),
      expect.stringMatching(/^line 3: missing "body"/),
    ]);
    expect(byFile['latin1.txt']).toMatch(/Windows-1252/);
    if (!root) expect(byFile['locked.md']).toMatch(/unreadable \(EACCES\)/);
    expect(byFile['image.png']).toBeUndefined();
    const titles = articles.map((a) => a.title);
    expect(titles).toEqual(expect.arrayContaining(['Good Title', 'Kept', 'Café Owners Protest']));
    expect(titles).not.toContain('No body');
  });

  it('names a missing corpus folder', async () => {
    await expect(loadCorpus('/nonexistent/corpus')).rejects.toThrow(/Cannot read corpus folder \/nonexistent\/corpus: ENOENT/);
  });
});
