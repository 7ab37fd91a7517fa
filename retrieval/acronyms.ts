import type { Span } from './text.ts';

/**
 * What a set of initials stands for ("IUSF" → "Inter University Students Federation"). A question
 * asking it is answered only by a passage that spells the letters out: a sentence that merely uses
 * the abbreviation ("CPIML's solidarity…") says nothing about what it stands for.
 */

// "what does SFI stand for", "what's FOL short for", "the full form of RMT", "SCO stands for what?", "what does IUSF mean".
const SPELLED_OUT = /\b(?:what(?:'s| is| are| does| do| did)|whats) (?:the )?([\p{L}()&.-]{2,12}) (?:actually |really |exactly )?(?:stand|stands|stood) for\b|\b(?:what(?:'s| is| are)|whats) (?:the )?([\p{L}()&.-]{2,12}) (?:short|an abbreviation|an acronym) for\b|\b(?:full form|full name|abbreviation|acronym) (?:of|for) (?:the )?([\p{L}()&.-]{2,12})\b|^\s*(?:so |and |ok )?(?:the )?([\p{L}()&.-]{2,12}) (?:stands|stand|is short) for\s*(?:what\b|\?)/iu;
const MEANS = /\bwhat (?:does|do|did) (?:the )?([\p{L}()&.-]{2,12}) (?:actually |really |exactly )?mean\b/iu;

/** The letters a question asks the spelling-out of, upper-cased ("CPI(M)" → "CPIM"), or null. */
export function acronymAsked(question: string): string | null {
  const q = question.replace(/[’‘]/g, "'");
  const m = SPELLED_OUT.exec(q);
  const word = m ? (m[1] ?? m[2] ?? m[3] ?? m[4]) : MEANS.exec(q)?.[1];
  // "What does X mean" and "X stands for what" ask about initials only when X is written in capitals ("this stands for what" does not).
  if (!word || ((!m || m[4]) && !/\p{Lu}.*\p{Lu}/u.test(word))) return null;
  const letters = word.replace(/[^\p{L}]/gu, '').toUpperCase();
  return letters.length >= 2 && letters.length <= 8 ? letters : null;
}

// Lower-case words and marks a name runs through ("Front of Organizations in Struggle", "Rail, Maritime and Transport
// Workers", "Communist Party of India (Marxist)").
const JOINER = /^(?:of|and|for|the|in|on|at|to|de|del|la|el|y|&|,|\(|\))$/i;

/**
 * Where `text` spells out `letters`: the capitalised words before "(IUSF)" or inside "IUSF (…)", or a run of
 * capitalised words whose initials are the letters ("Shanghai Cooperation Organisation" for SCO; a hyphened word
 * gives one initial a part: "Marxist-Leninist" → ML).
 */
export function expansionIn(text: string, letters: string): Span | null {
  const esc = letters.split('').join('[().\\s-]*');
  const before = new RegExp(`\\(\\s*${esc}\\s*\\)`, 'iu').exec(text);
  if (before) {
    // The words whose capitals spell the letters, else every capitalised word before the bracket ("Front of Organizations in Struggle (FOL)").
    const run = capitalisedRunBefore(text, before.index);
    if (run) return initialsRun(text.slice(0, run.end), letters, run.start) ?? run;
  }
  const inside = new RegExp(`(?<![\\p{L}])${esc}\\s*\\(([^)]{3,80})\\)`, 'iu').exec(text);
  if (inside && /^\s*\p{Lu}/u.test(inside[1]!)) {
    const start = inside.index + inside[0].length - 1 - inside[1]!.length;
    return { start, end: start + inside[1]!.length };
  }
  return initialsRun(text, letters);
}

type Token = { text: string; start: number; end: number };
const tokens = (text: string): Token[] => [...text.matchAll(/[\p{L}\p{N}'’&-]+|[^\s\p{L}\p{N}]/gu)].map((m) => ({ text: m[0], start: m.index!, end: m.index! + m[0].length }));
// A capitalised word, not another set of initials: "Students Federation (IUSF)" does not spell SFI.
const capitalised = (t: Token) => /^\p{Lu}/u.test(t.text) && !/^\p{Lu}[\p{Lu}\p{N}]+$/u.test(t.text);

/** The run of capitalised words (through joiners, not through "the": "Monday, the General Union…") ending right before `at`. */
function capitalisedRunBefore(text: string, at: number): Span | null {
  const ts = tokens(text.slice(0, at));
  let first = -1;
  for (let i = ts.length - 1; i >= 0; i--) {
    if (capitalised(ts[i]!)) first = i;
    else if (!JOINER.test(ts[i]!.text) || /^the$/i.test(ts[i]!.text)) break;
  }
  return first < 0 ? null : { start: ts[first]!.start, end: ts[ts.length - 1]!.end };
}

function initialsRun(text: string, letters: string, from = 0): Span | null {
  const ts = tokens(text).filter((t) => t.start >= from);
  for (let i = 0; i < ts.length; i++) {
    if (!capitalised(ts[i]!)) continue;
    let initials = '';
    for (let j = i; j < ts.length; j++) {
      const t = ts[j]!;
      if (capitalised(t)) initials += t.text.split('-').filter((p) => /^\p{Lu}/u.test(p)).map((p) => p[0]).join('').toUpperCase();
      else if (!JOINER.test(t.text)) break;
      if (initials === letters && capitalised(t)) return { start: ts[i]!.start, end: t.end };
      if (!letters.startsWith(initials)) break;
    }
  }
  return null;
}
