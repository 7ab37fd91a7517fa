// Child process for the crash test: saves generation after generation until it is killed.
import { saveIndex, STORE_VERSION } from '../../retrieval/stores/embedded/store.ts';
import type { Article, Chunk } from '../../retrieval/types.ts';

const [dir, countArg] = process.argv.slice(2);
const dim = 64;
for (let gen = 1; ; gen++) {
  const n = Number(countArg) + gen;
  const articles: Article[] = [{ id: 'a', title: `Gen ${gen}`, author: null, source: null, date: null, url: null, standfirst: null, text: 'x'.repeat(n), paragraphs: [{ start: 0, end: n, section: null }], notes: [], file: 'a.txt' }];
  const chunks: Chunk[] = Array.from({ length: n }, (_, i) => ({ id: `a#${i}`, articleId: 'a', paragraph: 0, section: null, start: i, end: i + 1 }));
  const vectors = new Float32Array(n * dim).fill(gen);
  await saveIndex(dir!, { manifest: { version: STORE_VERSION, model: { id: 'm', dim }, chunkCount: n, hashes: { a: String(gen) }, builtAt: '' }, articles, chunks, vectors });
  process.stdout.write(`${gen}\n`);
}
