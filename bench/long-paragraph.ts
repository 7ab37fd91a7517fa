// Chunking time of one article whose single paragraph is N KB (issue 10, finding 1), with the bundled
// USE-lite tokenizer (quadratic in its input before the fix).
// npx tsx bench/long-paragraph.ts <KB> [sentenceless|sentences|random|nospace]
import { loadUseLite } from '../embeddings/use-lite.ts';
import { chunkArticle } from '../retrieval/chunker.ts';
import type { Article } from '../retrieval/types.ts';

const kb = Number(process.argv[2] ?? 16);
const mode = process.argv[3] ?? 'sentenceless';
const embedder = await loadUseLite();
const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
let text = '';
let x = 1;
const next = () => (x = (x * 1103515245 + 12345) % 2147483648).toString(36);
for (let i = 0; text.length < kb * 1024; i++) {
  if (mode === 'random') text += `${next()} `;
  else if (mode === 'nospace') text += next();
  else if (mode === 'sentences') text += words[i % 8] + (i % 12 === 11 ? '. The ' : ' ');
  else text += `${words[i % 8]} `;
}
text = text.trim();
const article: Article = { id: 'x', title: 'X', author: null, source: null, date: null, url: null, standfirst: null, text, paragraphs: [{ start: 0, end: text.length, section: null }], notes: [], file: 'x.txt' };
const t = performance.now();
const chunks = chunkArticle(article, embedder);
console.log(JSON.stringify({ kb, mode, chunks: chunks.length, ms: Math.round(performance.now() - t) }));
