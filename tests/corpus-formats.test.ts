import { chmodSync, mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
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

  it('reads UTF-16 and UTF-8 files with a byte-order mark; skips binaries without NUL bytes', async () => {
    const utf16le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Dam Repairs Begin\n\nWork on the dam started in June.', 'utf16le')]);
    const utf16be = Buffer.from(utf16le.subarray(2)).swap16();
    // Pseudo-random bytes with no NUL: what a renamed image or archive looks like.
    let x = 7;
    const noNul = Buffer.from(Array.from({ length: 4000 }, () => ((x = (x * 1103515245 + 12345) % 2147483648), 1 + (x % 255))));
    const dir = folder({
      'le.txt': utf16le,
      'be.txt': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(utf16be)]),
      'bom8.txt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Bom Title\n\nA body with a mark before it.')]),
      'blob.txt': noNul,
      // Text at the start, binary after it.
      'late.md': Buffer.concat([Buffer.from(`# Looks Fine\n\n${'Plain words here. '.repeat(60)}\n`), noNul]),
    });
    const { articles, warnings } = await loadCorpus(dir);
    const byFile = Object.fromEntries(warnings.map((w) => [w.file, w.message]));
    expect(byFile['blob.txt']).toMatch(/binary file/);
    expect(byFile['late.md']).toMatch(/binary file/);
    expect(byFile['le.txt']).toBeUndefined();
    expect(byFile['be.txt']).toBeUndefined();
    expect(articles.map((a) => a.title).sort()).toEqual(['Bom Title', 'Dam Repairs Begin', 'Dam Repairs Begin']);
    expect(articles.filter((a) => a.title === 'Dam Repairs Begin').map((a) => a.text)).toEqual(['Work on the dam started in June.', 'Work on the dam started in June.']);
  });

  it('follows symbolic links once, warning about loops, duplicates and broken links', async () => {
    const outside = folder({ 'far.md': '# Far Away\n\nA linked article from elsewhere.', 'sub/deep.md': '# Deep Down\n\nA linked folder.' });
    const dir = folder({ 'home.md': '# At Home\n\nThe corpus itself.' });
    symlinkSync(join(outside, 'far.md'), join(dir, 'far-link.md'));
    symlinkSync(join(outside, 'sub'), join(dir, 'linked'));
    symlinkSync(dir, join(dir, 'loop'));
    symlinkSync(join(dir, 'home.md'), join(dir, 'home-again.md'));
    symlinkSync(join(outside, 'gone.md'), join(dir, 'broken.md'));
    const { articles, warnings } = await loadCorpus(dir);
    expect(articles.map((a) => a.title).sort()).toEqual(['At Home', 'Deep Down', 'Far Away']);
    const byFile = Object.fromEntries(warnings.map((w) => [w.file, w.message]));
    expect(byFile['loop']).toMatch(/folder already read .*skipped/);
    expect(byFile['home.md'] ?? byFile['home-again.md']).toMatch(/same file as .*skipped/);
    expect(byFile['broken.md']).toMatch(/symbolic link to a missing .*ENOENT.*skipped/);
    expect(warnings).toHaveLength(3);
  });

  it('skips a file over the size limit, naming the setting', async () => {
    const dir = folder({ 'small.md': '# Small\n\nFits.', 'big.md': `# Big\n\n${'word '.repeat(400)}` });
    const { articles, warnings } = await loadCorpus(dir, { maxFileBytes: 1000 });
    expect(articles.map((a) => a.title)).toEqual(['Small']);
    expect(warnings).toEqual([{ file: 'big.md', message: expect.stringMatching(/larger than MAX_FILE_MB .*skipped/) }]);
  });

  it('names a missing corpus folder', async () => {
    await expect(loadCorpus('/nonexistent/corpus')).rejects.toThrow(/Cannot read corpus folder \/nonexistent\/corpus: ENOENT/);
  });
});
