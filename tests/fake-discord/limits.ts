import { expect } from 'vitest';

/** Asserts a message payload the bot sent respects every Discord limit and pings nobody. */
export function expectWithinDiscordLimits(body: any): void {
  expect(body.allowed_mentions).toEqual({ parse: [] });
  if (body.content) expect(body.content.length).toBeLessThanOrEqual(2000);
  let total = 0;
  for (const e of body.embeds ?? []) {
    if (e.title) expect(e.title.length).toBeLessThanOrEqual(256);
    if (e.description) expect(e.description.length).toBeLessThanOrEqual(4096);
    if (e.footer) expect(e.footer.text.length).toBeLessThanOrEqual(2048);
    expect((e.fields ?? []).length).toBeLessThanOrEqual(25);
    for (const f of e.fields ?? []) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
    total += (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + (e.fields ?? []).reduce((n: number, f: any) => n + f.name.length + f.value.length, 0);
  }
  expect(total).toBeLessThanOrEqual(6000);
  expect((body.embeds ?? []).length).toBeLessThanOrEqual(10);
  for (const row of body.components ?? []) {
    expect(row.components.length).toBeLessThanOrEqual(5);
    for (const c of row.components) {
      if (c.custom_id) expect(c.custom_id.length).toBeLessThanOrEqual(100);
      if (c.label) expect(c.label.length).toBeLessThanOrEqual(80);
    }
  }
}

/** Text cut mid-word ends in a letter glued to the ellipsis after a partial word; ours cut at spaces. */
export function expectNoMidWordCut(text: string, source: string): void {
  for (const m of text.matchAll(/(\S+)…/g)) {
    const word = m[1]!.replace(/^[*>_\\]+/, '');
    if (!word) continue;
    const whole = source.includes(`${word}…`) || source.includes(`${word} `) || source.includes(`${word}\n`) || /[.!?”’"]$/.test(word) || source.endsWith(word);
    expect(whole, `"${word}…" is cut mid-word`).toBe(true);
  }
}
