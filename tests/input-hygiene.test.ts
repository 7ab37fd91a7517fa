import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadCorpus } from '../retrieval/corpus.ts';
import { checkQuestion } from '../retrieval/errors.ts';
import { PROJECT_ROOT } from '../retrieval/settings.ts';
import { normalizeLine } from '../retrieval/text.ts';
import { openSeedEngine } from './helpers/seed.ts';

function run(script: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, script), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    // No DISCORD_* from a developer's .env: dotenv never overrides what is set here.
    env: { ...process.env, EMBEDDING_ENGINE: 'transformers', ALLOW_MODEL_DOWNLOAD: 'false', INDEX_DIR: inject('seedIndexDir'), CORPUS_DIR: join(PROJECT_ROOT, 'data', 'corpus'), DISCORD_TOKEN: '', DISCORD_CLIENT_ID: '', ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('questions and names typed by users', () => {
  it('lose zero-width characters, soft hyphens and bidi controls, as article text does', () => {
    expect(checkQuestion('Who runs Britain\u2019s rail\u00adways?')).toBe('Who runs Britain\u2019s railways?');
    expect(checkQuestion('rail\u200bway work\u200cers \u2060strike\ufeff')).toBe('railway workers strike');
    // A right-to-left override would reverse the rest of the line wherever the question is echoed.
    expect(checkQuestion('\u202ewhy are workers striking?\u202c \u2066x\u2069')).toBe('why are workers striking? x');
    expect(() => checkQuestion('\u200b\u00ad\u202e')).toThrow(/type a question/);
    expect(normalizeLine('Trans\u00adport\u200b minister')).toBe('Transport minister');
  });

  it('a question with invisible characters inside its words gets the same answer as without them', async () => {
    const engine = await openSeedEngine();
    const plain = await engine.ask('Why are railway workers in the UK striking?');
    const hidden = await engine.ask('Why are rail\u200bway work\u00aders in the UK stri\u200dking?\u202e');
    expect(hidden.question).toBe(plain.question);
    expect(hidden.passages.map((p) => p.quote)).toEqual(plain.passages.map((p) => p.quote));
    expect(engine.findArticle('Israel is Lo\u00adsing')?.title).toBe('Israel is Losing');
  });
});

describe('errors a user can fix', () => {
  it('broken YAML front matter is reported as such, with where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'corpus-'));
    writeFileSync(join(dir, 'bad.md'), '---\ntitle: {Broken\n---\n\nBody text.\n');
    const { warnings } = await loadCorpus(dir);
    expect(warnings).toEqual([{ file: 'bad.md', message: expect.stringMatching(/^unreadable \(front matter is not valid YAML: .*line \d+, column \d+\), skipped$/) }]);
  });

  it('CLI: a bad setting or an INDEX_DIR that is a file exits 2 with a message naming the setting', () => {
    const bad = run('cli/main.ts', ['articles'], { EMBEDDING_ENGINE: 'gpt' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^EMBEDDING_ENGINE must be one of auto, transformers, use-lite \(got "gpt"\)\.$/m);
    const file = join(mkdtempSync(join(tmpdir(), 'not-a-folder-')), 'index');
    writeFileSync(file, 'x');
    const notDir = run('cli/main.ts', ['articles'], { INDEX_DIR: file });
    expect(notDir.code).toBe(2);
    expect(notDir.err).toContain(`INDEX_DIR (${file}) must be a folder`);
    expect(notDir.err).not.toMatch(/ENOTDIR/);
    const noCorpus = run('cli/main.ts', ['ingest'], { INDEX_DIR: mkdtempSync(join(tmpdir(), 'index-')), CORPUS_DIR: '/nonexistent/corpus' });
    expect(noCorpus.code).toBe(2);
    expect(noCorpus.err).toMatch(/CORPUS_DIR \(\/nonexistent\/corpus\) is not a folder/);
  });

  it('CLI: an unknown article points to the articles command', () => {
    const r = run('cli/main.ts', ['summary', 'no such article at all'], {});
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/\/articles lists them \(`articles` on the command line\)/);
  });

  it('bot: configuration problems exit 2, as the README says', () => {
    const r = run('bot/main.ts', [], { DISCORD_TOKEN: 'abc', DISCORD_CLIENT_ID: 'not-a-number' });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/DISCORD_CLIENT_ID must be a numeric Application ID/);
    expect(r.err).not.toContain('abc');
  });
});
