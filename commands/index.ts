import { articles } from './articles.ts';
import { ask } from './ask.ts';
import { help } from './help.ts';
import { reindex } from './reindex.ts';
import { sources } from './sources.ts';
import { summary } from './summary.ts';
import type { SlashCommand } from './types.ts';

export const COMMANDS: Record<string, SlashCommand> = { ask, summary, sources, articles, help, reindex };

export const commandDefinitions = () => Object.values(COMMANDS).map((c) => c.definition);
