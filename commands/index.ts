import { addArticle } from './add-article.ts';
import { articles } from './articles.ts';
import { ask } from './ask.ts';
import { askMessage } from './ask-message.ts';
import { help } from './help.ts';
import { reindex } from './reindex.ts';
import { removeArticle } from './remove-article.ts';
import { sources } from './sources.ts';
import { summary } from './summary.ts';
import type { SlashCommand } from './types.ts';

// A Map: a command name from the payload ("__proto__", "constructor") never reaches an object's prototype.
// Keyed by the registered name; buttons and modals use it as their custom_id prefix.
export const COMMANDS: ReadonlyMap<string, SlashCommand> = new Map([ask, summary, sources, articles, help, reindex, addArticle, removeArticle, askMessage].map((c) => [c.definition.name, c]));

export const commandDefinitions = () => [...COMMANDS.values()].map((c) => c.definition);
