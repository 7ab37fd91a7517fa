import { parse as parseYaml } from 'yaml';
import type { ArticleDraft, BodyBlock } from './article.ts';
import { toBlocks } from './text.ts';

/** Markdown with optional YAML front matter (title, author, date, source, url). */
export function parseMarkdown(raw: string, fallbackTitle: string): ArticleDraft[] {
  let meta: Record<string, unknown> = {};
  let body = raw.replace(/^\ufeff/, '');
  const fm = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(body);
  if (fm) {
    let parsed: unknown;
    try {
      parsed = parseYaml(fm[1]!);
    } catch (e) {
      // yaml's message starts with what and where ("… at line 2, column 7:"), then quotes the source.
      throw new Error(`front matter is not valid YAML: ${(e as Error).message.split('\n')[0]!.replace(/:$/, '')}`);
    }
    if (parsed && typeof parsed === 'object') meta = parsed as Record<string, unknown>;
    body = body.slice(fm[0].length);
  }
  let title = typeof meta.title === 'string' ? meta.title : null;
  const blocks: BodyBlock[] = [];
  for (const { text } of toBlocks(body)) {
    const heading = /^(#{1,6})\s+(.*?)\s*#*$/.exec(text);
    if (heading) {
      if (!title && heading[1] === '#') title = stripInline(heading[2]!);
      else blocks.push({ heading: stripInline(heading[2]!) });
      continue;
    }
    if (/^(?:[-*_]\s*){3,}$/.test(text) || /^!\[[^\]]*\]\([^)]*\)$/.test(text)) continue;
    blocks.push({ para: stripInline(text.replace(/^>\s?/, '')) });
  }
  return [{ ...metaFields(meta), title: title ?? fallbackTitle, body: blocks }];
}

function stripInline(s: string): string {
  return s
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1');
}

function metaFields(m: Record<string, unknown>): Omit<ArticleDraft, 'title' | 'body'> {
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : v instanceof Date ? v.toISOString() : null);
  const author = Array.isArray(m.author) ? m.author.map(String).join(', ') : str(m.author ?? m.byline);
  return { id: str(m.id), author, date: str(m.date ?? m.published), source: str(m.source ?? m.publisher), url: str(m.url ?? m.link) };
}

/** An HTML page: one article, from <article> (or <main>, or <body>). */
export async function parseHtml(raw: string, fallbackTitle: string): Promise<ArticleDraft[]> {
  // Loaded on the first HTML file: ~0.5 s that a question or a corpus without HTML never pays.
  const cheerio = await import('cheerio');
  const $ = cheerio.load(raw);
  const meta = (sel: string) => $(sel).first().attr('content')?.trim() || null;
  $('script, style, noscript, nav, header, footer, aside, figure, figcaption, form, iframe, svg').remove();
  const root = $('article').first().length ? $('article').first() : $('main').first().length ? $('main').first() : $('body');
  const h1 = root.find('h1').first().text().trim() || $('h1').first().text().trim();
  const title = meta('meta[property="og:title"]') || h1 || $('title').first().text().trim() || fallbackTitle;
  const body: BodyBlock[] = [];
  root.find('p, h2, h3, h4, blockquote, li').each((_, el) => {
    const node = $(el);
    if (el.tagName === 'p' && node.parents('blockquote, li').length) return;
    const text = node.text().replace(/\s+/g, ' ').trim();
    if (!text) return;
    body.push(/^h[234]$/.test(el.tagName) ? { heading: text } : { para: text });
  });
  return [
    {
      title,
      author: meta('meta[name="author"]') || $('[rel="author"], .byline, .author').first().text().trim() || null,
      date: meta('meta[property="article:published_time"]') || $('time[datetime]').first().attr('datetime') || null,
      source: meta('meta[property="og:site_name"]'),
      url: meta('meta[property="og:url"]') || $('link[rel="canonical"]').attr('href') || null,
      body,
    },
  ];
}

/** One record `{title, author?, date?, source?, url?, body}`; throws with a reason when it is not one. */
export function recordToDraft(rec: unknown): ArticleDraft {
  if (!rec || typeof rec !== 'object' || Array.isArray(rec)) throw new Error('not an object');
  const r = rec as Record<string, unknown>;
  const bodyValue = r.body ?? r.text ?? r.content;
  if (typeof r.title !== 'string' || !r.title.trim()) throw new Error('missing "title"');
  if (typeof bodyValue !== 'string' || !bodyValue.trim()) throw new Error('missing "body"');
  const paras = /\n\s*\n/.test(bodyValue) ? toBlocks(bodyValue).map((b) => b.text) : bodyValue.split('\n');
  return { ...metaFields(r), title: r.title, body: paras.map((p) => ({ para: p })) };
}
