import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../retrieval/engine.ts';
import { PROJECT_ROOT, settingsFromEnv, type EngineSettings } from '../retrieval/settings.ts';
import type { Answer } from '../retrieval/types.ts';
import { startPgliteServer, type PgliteServer } from './helpers/pglite-server.ts';
import { openSeedEngine, SEED_CORPUS } from './helpers/seed.ts';
import { counting, tinyEmbedder } from './helpers/tiny-embedder.ts';

// A real Postgres 18 with pgvector (PGlite, WASM) on a local socket, driven through `pg` like a server.
let server: PgliteServer;
const dirs: string[] = [];
const engines: Engine[] = [];

beforeAll(async () => {
  server = await startPgliteServer();
}, 180_000);

afterAll(async () => {
  for (const e of engines) await e.close().catch(() => {});
  await server?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const tmp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

/** Settings for the default model over `corpusDir`, with the index in the PGlite server. */
function pgSettings(corpusDir = SEED_CORPUS): EngineSettings {
  return settingsFromEnv({ EMBEDDING_ENGINE: 'transformers', ALLOW_MODEL_DOWNLOAD: 'false', CORPUS_DIR: corpusDir, INDEX_DIR: tmp('unused-index-'), DATABASE_URL: server.url, DATABASE_POOL_SIZE: '1' });
}

async function openPg(settings = pgSettings(), embedder?: Parameters<typeof Engine.open>[2]): Promise<Engine> {
  const e = await Engine.open(settings, () => {}, embedder);
  engines.push(e);
  return e;
}

async function sql<T extends pg.QueryResultRow>(text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: server.url });
  await c.connect();
  try {
    return (await c.query<T>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** The three passages shown first, as places in the corpus. */
const top3 = (a: Answer) => ({ answered: a.answered, top: (a.answered ? a.passages : a.related).slice(0, 3).map((p) => `${p.article.id}@${p.kind}:${p.start}-${p.end}`) });

function devQuestions(): string[] {
  const para = JSON.parse(readFileSync(join(PROJECT_ROOT, 'bench', 'questions', 'seed-paraphrase.json'), 'utf8')) as Record<'answerable' | 'nearTopic' | 'farOff', { q: string }[]>;
  const qs = [...para.answerable, ...para.nearTopic, ...para.farOff].map((x) => x.q);
  // The shared development questions, when the data folder is beside the project (it is in this repository's CI setup).
  const shared = resolve(PROJECT_ROOT, '..', 'shared', 'eval', 'seed-dev-questions.json');
  if (existsSync(shared)) {
    const dev = JSON.parse(readFileSync(shared, 'utf8')) as { questions: { q: string }[]; none: string[] };
    qs.push(...dev.questions.map((x) => x.q), ...dev.none);
  }
  return qs;
}

describe('Postgres + pgvector store', () => {
  it('builds the seed index in tables with an HNSW index and answers every development question with the embedded store’s top 3', async () => {
    const engine = await openPg();
    expect(engine.store).toBe('postgres');
    expect(engine.ready).toBe(false);
    const report = await engine.ensureIndex();
    expect(report?.added.length).toBe(11);
    const embedded = await openSeedEngine();
    expect(embedded.store).toBe('embedded');

    const [meta] = await sql<{ model_id: string; dim: number; chunk_count: number; generation: string }>('SELECT model_id, dim, chunk_count, generation FROM newsbot_meta');
    expect(meta).toMatchObject({ model_id: embedded.embedder.id, dim: 384, chunk_count: report!.chunks });
    const [col] = await sql<{ type: string }>("SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'newsbot_chunks'::regclass AND attname = 'embedding'");
    expect(col!.type).toBe('vector(384)');
    const idx = await sql<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE tablename = 'newsbot_chunks'");
    expect(idx.some((i) => /USING hnsw \(embedding vector_ip_ops\)/.test(i.indexdef))).toBe(true);
    expect(engine.articles()).toEqual(embedded.articles());

    const differences: string[] = [];
    const qs = devQuestions();
    for (const q of qs) {
      const [a, b] = [top3(await embedded.ask(q)), top3(await engine.ask(q))];
      if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${q}\n  embedded ${JSON.stringify(a)}\n  postgres ${JSON.stringify(b)}`);
    }
    expect(qs.length).toBeGreaterThanOrEqual(164);
    expect(differences).toEqual([]);

    // The filters run on the metadata columns, with the embedded store's meaning.
    // A follow-up searches the articles of the answer it follows: the same scope by article id in both stores.
    const two = embedded.articles().filter((a) => /Sri Lanka|West Bengal/.test(a.title)).map((a) => a.id);
    expect(two).toHaveLength(2);
    const scoped = top3(await embedded.ask('What happened to the students?', { filters: { articles: two } }));
    expect(scoped.top.length).toBeGreaterThan(0);
    expect(scoped.top.every((t) => two.some((id) => t.startsWith(`${id}@`)))).toBe(true);
    for (const filters of [{ author: 'peoples' }, { source: 'dispatch' }, { since: '2023-01-01' }, { until: '2022-12-31' }, { author: 'nobody-by-this-name' }, { articles: two }]) {
      const q = 'What happened to the students?';
      expect(top3(await engine.ask(q, { filters }))).toEqual(top3(await embedded.ask(q, { filters })));
    }
  }, 600_000);

  it('re-ingests by content hash in one transaction, and a new embedding model means a clean re-embed', async () => {
    const corpus = tmp('pg-corpus-');
    cpSync(SEED_CORPUS, corpus, { recursive: true });
    // A database of its own for this test: a fresh PGlite server.
    const own = await startPgliteServer();
    try {
      const settings = { ...pgSettings(corpus), database: { url: own.url, poolSize: 1 } };
      const base = await openPg(settings);
      const first = await base.ingest(corpus);
      expect(first.embedded).toBe(first.chunks);
      const again = await base.ingest(corpus);
      expect(again).toMatchObject({ changed: false, embedded: 0 });

      // Edit one article's text, drop a file: only the edited article is embedded again.
      const files = readdirSync(corpus).sort();
      const edited = join(corpus, files[0]!);
      const text = readFileSync(edited, 'utf8');
      writeFileSync(edited, text.replace('Ranil Wickremesinghe', 'Ranil Q. Wickremesinghe'));
      const counted = counting(base.embedder);
      const engine = await openPg(settings, counted);
      expect(engine.ready).toBe(true);
      const before = engine.articles().length;
      const moved = join(tmp('pg-elsewhere-'), files[1]!);
      cpSync(join(corpus, files[1]!), moved);
      rmSync(join(corpus, files[1]!));
      // Another process answers all along while this one re-indexes: from the old version, then the new.
      let reindexed = false;
      const answered: boolean[] = [];
      const reading = (async () => {
        while (!reindexed) answered.push((await base.ask('Who leads the Sri Lankan government that cracked down on students?')).answered);
      })();
      const r = await engine.ingest(corpus).finally(() => (reindexed = true));
      await reading;
      expect(answered.length).toBeGreaterThan(0);
      expect(answered.every(Boolean)).toBe(true);
      expect(r.updated).toHaveLength(1);
      expect(r.removed.length).toBe(before - engine.articles().length);
      expect(r.removed.length).toBeGreaterThan(0);
      expect(counted.texts).toBe(r.embedded);
      expect(r.embedded).toBeLessThan(first.embedded);
      const c0 = new pg.Client({ connectionString: own.url });
      await c0.connect();
      const left = await c0.query('SELECT count(*)::int AS n FROM newsbot_chunks WHERE article_id = ANY($1::text[])', [r.removed]);
      const postings = await c0.query('SELECT count(*)::int AS n FROM newsbot_terms t LEFT JOIN newsbot_chunks c ON c.id = t.chunk_id WHERE c.id IS NULL');
      await c0.end();
      expect(left.rows[0].n).toBe(0);
      expect(postings.rows[0].n).toBe(0);
      const answer = await engine.ask('Who leads the Sri Lankan government that cracked down on students?');
      expect(answer.passages[0]!.quote).toContain('Ranil Q. Wickremesinghe');
      // Another process that loaded the old generation sees the new one on its next question.
      const stale = await base.ask('Who leads the Sri Lankan government that cracked down on students?');
      expect(stale.passages[0]!.quote).toContain('Ranil Q. Wickremesinghe');
      expect(base.articles().length).toBe(engine.articles().length);

      // Another model: everything re-embedded, the vector column re-made at the new dimension.
      const tiny = counting(await tinyEmbedder());
      const other = await openPg(settings, tiny);
      expect(other.modelMismatch).toBe(true);
      const re = await other.ensureIndex();
      expect(re).toMatchObject({ modelChanged: true });
      expect(tiny.texts).toBe(re!.chunks);
      const c = new pg.Client({ connectionString: own.url });
      await c.connect();
      const col = await c.query("SELECT format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = 'newsbot_chunks'::regclass AND attname = 'embedding'");
      const meta = await c.query('SELECT model_id, dim FROM newsbot_meta');
      await c.end();
      expect(col.rows[0].type).toBe(`vector(${tiny.dim})`);
      expect(meta.rows[0]).toEqual({ model_id: tiny.id, dim: tiny.dim });
      expect((await other.ask('Who leads the Sri Lankan government?')).question).toBeTruthy();
    } finally {
      for (const e of engines.splice(0)) await e.close().catch(() => {});
      await own.stop();
    }
  }, 600_000);
});

describe('Postgres store across processes', () => {
  // Asynchronous: the database server runs in this process, and a blocking spawn would stop it answering.
  const cli = (args: string[], env: Record<string, string>) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), ...args], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, EMBEDDING_ENGINE: 'transformers', ALLOW_MODEL_DOWNLOAD: 'false', DATABASE_POOL_SIZE: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.once('close', (status) => done({ status, stdout, stderr }));
    });

  it('a kill -9 in the middle of the write transaction leaves the previous corpus answerable; the CLI works the same with DATABASE_URL', async () => {
    const own = await startPgliteServer();
    try {
      const corpus = tmp('pg-kill-');
      cpSync(SEED_CORPUS, corpus, { recursive: true });
      const env = { DATABASE_URL: own.url, CORPUS_DIR: corpus, INDEX_DIR: tmp('unused-index-') };
      const first = await cli(['ingest', '--json'], env);
      expect(first.status, first.stderr).toBe(0);
      const built = JSON.parse(first.stdout) as { chunks: number };
      const q = 'Who is the Sri Lankan president whose government cracked down on students?';
      const asked = await cli(['ask', '--json', q], env);
      expect(asked.status, asked.stderr).toBe(0);
      const before = JSON.parse(asked.stdout);
      expect(before.passages[0].quote).toContain('Ranil Wickremesinghe');

      // More articles (copies under other file names: other ids), so the write takes several batches.
      const seedFiles = readdirSync(corpus);
      for (const f of seedFiles) cpSync(join(corpus, f), join(corpus, `copy-${f}`));
      const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), 'ingest'], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, EMBEDDING_ENGINE: 'transformers', ALLOW_MODEL_DOWNLOAD: 'false', DATABASE_POOL_SIZE: '1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((r) => child.once('exit', (code, signal) => r(signal ? -1 : code)));
      // Killed as soon as its write transaction is open on the server: the first transaction after the embedding finished.
      const killedInTransaction = await new Promise<boolean>((done) => {
        const poll = setInterval(() => {
          const embedded = /Embedding: (\d+)\/\1 chunks/.test(err);
          if (embedded && own.db.isInTransaction()) {
            clearInterval(poll);
            child.kill('SIGKILL');
            done(true);
          }
        }, 1);
        child.once('exit', () => {
          clearInterval(poll);
          done(false);
        });
      });
      expect(killedInTransaction, err).toBe(true);
      expect(await exited).toBe(-1);

      const c = new pg.Client({ connectionString: own.url });
      await c.connect();
      const meta = await c.query('SELECT generation, chunk_count FROM newsbot_meta');
      const chunks = await c.query('SELECT count(*)::int AS n FROM newsbot_chunks');
      await c.end();
      expect(meta.rows[0]).toMatchObject({ generation: '1', chunk_count: built.chunks });
      expect(chunks.rows[0].n).toBe(built.chunks);
      const after = await cli(['ask', '--json', q], env);
      expect(after.status, after.stderr).toBe(0);
      expect(JSON.parse(after.stdout)).toEqual(before);

      // The next ingest finishes the job.
      const redo = await cli(['ingest', '--json'], env);
      expect(redo.status, redo.stderr).toBe(0);
      expect(JSON.parse(redo.stdout)).toMatchObject({ articles: 22, changed: true, embedded: built.chunks });
      const list = await cli(['articles', '--json'], env);
      expect(JSON.parse(list.stdout)).toHaveLength(22);
    } finally {
      await own.stop();
    }
  }, 600_000);
});
