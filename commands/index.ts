import { articles } from './articles.ts';
import { ask } from './ask.ts';
import { help } from './help.ts';
import { reindex } from './reindex.ts';
import { sources } from './sources.ts';
import { summary } from './summary.ts';
import type { SlashCommand } from './types.ts';

// A Map: a command name from the payload ("__proto__", "constructor") never reaches an object's prototype.
export const COMMANDS: ReadonlyMap<string, SlashCommand> = new Map(Object.entries({ ask, summary, sources, articles, help, reindex }));

export const commandDefinitions = () => [...COMMANDS.values()].map((c) => c.definition);
