// Child process for the concurrency stress test: a writer saves generation after generation, a reader
// loads the index again and again, each for a fixed time; both print their counts as one JSON line.
import { loadIndex, saveIndex, STORE_VERSION } from '../../retrieval/stores/embedded/store.ts';
import type { Article, Chunk } from '../../retrieval/types.ts';

const [mode, dir, msArg, idArg] = process.argv.slice(2);
const until = Date.now() + Number(msArg);
const dim = 16;
const id = Number(idArg ?? 0);
const errors: string[] = [];
let done = 0;
let failed = 0;

if (mode === 'writer') {
  for (let k = 1; Date.now() < until; k++) {
    // Every vector of a generation holds its tag, so a reader can tell a mixed or torn one.
    const tag = id * 1_000_000 + k;
    const n = 20 + (k % 7);
    const articles: Article[] = [{ id: 'a', title: `Gen ${tag}`, author: null, source: null, date: null, url: null, standfirst: null, text: 'x'.repeat(n), paragraphs: [{ start: 0, end: n, section: null }], notes: [], file: 'a.txt' }];
    const chunks: Chunk[] = Array.from({ length: n }, (_, i) => ({ id: `a#${i}`, articleId: 'a', paragraph: 0, section: null, start: i, end: i + 1 }));
    try {
      await saveIndex(dir!, { manifest: { version: STORE_VERSION, model: { id: 'm', dim }, chunkCount: n, hashes: { a: String(tag) }, builtAt: '', corpusDir: '/corpus' }, articles, chunks, vectors: new Float32Array(n * dim).fill(tag) });
      done++;
    } catch (e) {
      failed++;
      if (errors.length < 5) errors.push((e as Error).message);
    }
  }
} else {
  while (Date.now() < until) {
    try {
      const data = await loadIndex(dir!);
      const tag = Number(data?.manifest.hashes.a);
      if (!data || data.articles[0]!.title !== `Gen ${tag}` || data.chunks.length !== data.manifest.chunkCount || !data.vectors.every((v) => v === tag)) throw new Error('inconsistent generation');
      done++;
    } catch (e) {
      failed++;
      if (errors.length < 5) errors.push((e as Error).message);
    }
  }
}
process.stdout.write(`${JSON.stringify({ mode, done, failed, errors })}\n`);
