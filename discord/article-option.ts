import type { AutocompleteInteraction } from 'discord.js';
import type { Engine } from '../retrieval/engine.ts';
import { clip, LIMITS } from './limits.ts';
import { focusedText } from './options.ts';

/** Autocomplete for an article option: titles matching what was typed; the value is the id when it fits. */
export async function respondWithArticles(i: AutocompleteInteraction, engine: Engine): Promise<void> {
  const typed = focusedText(i)?.value ?? '';
  const choices = engine.suggest(typed, LIMITS.choices).map((a) => ({
    name: clip(a.author ? `${a.title} — ${a.author}` : a.title, LIMITS.choiceName),
    value: a.id.length <= LIMITS.choiceValue ? a.id : clip(a.title, LIMITS.choiceValue),
  }));
  await i.respond(choices);
}
