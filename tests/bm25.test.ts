import { describe, expect, it } from 'vitest';
import { Bm25 } from '../retrieval/bm25.ts';
import { terms } from '../retrieval/text.ts';

/** Okapi BM25 the plain way (every score in a map, one full sort), to hold the fast search to. */
function reference(texts: string[], query: string[], k: number, allowed: Uint8Array | null) {
  const docs = texts.map(terms);
  const avg = docs.reduce((n, d) => n + d.length, 0) / docs.length;
  const scores = new Map<number, number>();
  for (const t of new Set(query)) {
    const df = docs.filter((d) => d.includes(t)).length;
    if (!df) continue;
    const idf = Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
    docs.forEach((d, i) => {
      const tf = d.filter((x) => x === t).length;
      if (!tf || (allowed && !allowed[i])) return;
      scores.set(i, (scores.get(i) ?? 0) + (idf * tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * d.length) / avg)));
    });
  }
  return [...scores].map(([doc, score]) => ({ doc, score })).sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
}

describe('BM25 search', () => {
  // A small vocabulary, so many documents share terms and tie.
  const words = ['port', 'strike', 'union', 'dock', 'ship', 'pay', 'talks', 'crane', 'harbour', 'court'];
  let s = 3;
  const rand = (n: number) => (s = (s * 1664525 + 1013904223) >>> 0) % n;
  const texts = Array.from({ length: 400 }, () => Array.from({ length: 1 + rand(8) }, () => words[rand(words.length)]).join(' '));
  const index = Bm25.build(texts);

  it('returns exactly the top k of the plain computation, ties to the earlier document, with and without filters', () => {
    for (let q = 0; q < 60; q++) {
      const query = terms(Array.from({ length: 1 + rand(4) }, () => words[rand(words.length)]).join(' ') + (q % 7 ? '' : ' unknownword'));
      const k = [1, 5, 50, 1000][q % 4]!;
      const allowed = q % 3 ? null : Uint8Array.from(texts, (_, i) => (i % 3 ? 1 : 0));
      const got = index.search(query, k, allowed);
      const want = reference(texts, query, k, allowed);
      expect(got.map((h) => h.doc)).toEqual(want.map((h) => h.doc));
      got.forEach((h, i) => expect(h.score).toBeCloseTo(want[i]!.score, 9));
    }
  });

  it('starts every search from zero (no score carried over) and answers k = 0 and unknown words with nothing', () => {
    const a = index.search(['strike'], 10);
    expect(a).toHaveLength(10);
    index.search(['port', 'union'], 10);
    expect(index.search(['strike'], 10)).toEqual(a);
    expect(index.search(['strike'], 0)).toEqual([]);
    expect(index.search(['nosuchword'], 10)).toEqual([]);
  });
});

describe('BM25 pruned search (MaxScore) against scoring every posting', () => {
  // Random corpora: Zipf-like word frequencies (a few very common words, as in news), duplicated
  // documents (exact ties), and documents of one repeated word (upper bounds reached).
  function corpus(seed: number, size: number, vocab: number) {
    let s = seed;
    const rand = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const word = () => `w${Math.floor(vocab ** rand()) - 1}`;
    const texts: string[] = [];
    for (let i = 0; i < size; i++) {
      const r = rand();
      if (r < 0.15 && texts.length) texts.push(texts[Math.floor(rand() * texts.length)]!);
      else if (r < 0.2) texts.push(Array.from({ length: 1 + Math.floor(rand() * 4) }, () => 'w0').join(' '));
      else texts.push(Array.from({ length: 1 + Math.floor(rand() * 30) }, word).join(' '));
    }
    return { texts, rand, word };
  }

  it('returns the same documents with the same scores, to the bit, ties to the earlier document, with and without filters', () => {
    let checked = 0;
    for (const [seed, size, vocab] of [
      [1, 300, 20],
      [2, 2000, 200],
      [3, 5000, 2000],
    ] as const) {
      const { texts, rand, word } = corpus(seed, size, vocab);
      const index = Bm25.build(texts);
      for (let q = 0; q < 80; q++) {
        const query = Array.from({ length: 1 + Math.floor(rand() * 8) }, word);
        if (q % 5 === 0) query.push('w0', 'unknownword');
        if (q % 7 === 0) query.push(query[0]!);
        const k = [1, 3, 10, 50, 5000][q % 5]!;
        const density = [1, 0.5, 0.05, 0][q % 4]!;
        const allowed = q % 3 ? null : Uint8Array.from(texts, () => (rand() < density ? 1 : 0));
        const want = index.searchExhaustive(query, k, allowed);
        expect(index.search(query, k, allowed)).toEqual(want);
        checked += want.length;
      }
    }
    // The corpora are big enough that most searches have a full top k to prune against.
    expect(checked).toBeGreaterThan(10_000);
  });

  it('agrees with the plain computation on the reference corpus above', () => {
    const words = ['port', 'strike', 'union', 'dock', 'ship', 'pay'];
    const texts = Array.from({ length: 200 }, (_, i) => Array.from({ length: 1 + (i % 7) }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' '));
    const index = Bm25.build(texts);
    for (const query of [['port'], ['port', 'strike'], ['dock', 'ship', 'pay', 'union'], words]) {
      const got = index.search(terms(query.join(' ')), 10);
      const want = reference(texts, terms(query.join(' ')), 10, null);
      expect(got.map((h) => h.doc)).toEqual(want.map((h) => h.doc));
    }
  });
});
