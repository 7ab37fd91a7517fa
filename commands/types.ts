import type {
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { AskOptions } from '../retrieval/answer.ts';
import type { Engine, SourceMatch } from '../retrieval/engine.ts';
import type { Summary } from '../retrieval/summary.ts';
import type { Answer } from '../retrieval/types.ts';
import type { AnswerCache } from '../discord/answer-cache.ts';
import type { Cooldown } from '../discord/cooldown.ts';
import type { Feedback } from '../discord/feedback.ts';

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Where questions are answered: a worker-thread pool in the bot (the engine itself fits too). */
export interface AnswerWork {
  ask(question: string, opts: AskOptions): Promise<Answer>;
  sources(query: string, limit: number): Promise<SourceMatch[]>;
  /** An article's extractive summary (its sentences are embedded the first time). */
  summary(articleId: string): Promise<Summary>;
  /** After a re-index saved a new index: later questions are answered from it. */
  reloadIndex?(): Promise<void>;
}

export interface CommandContext {
  /** Articles, paragraphs, summaries, re-index: the light or rare work, on the main thread. */
  engine: Engine;
  work: AnswerWork;
  log: Logger;
  answers: AnswerCache;
  cooldown: Cooldown;
  /** Helpful / Not helpful votes, kept as evaluation data. */
  feedback: Feedback;
  /** Aborted when the bot stops waiting for in-flight answers (delivery retries give up). */
  signal?: AbortSignal;
}

/**
 * One application command: its definition and handlers (a slash command has `execute`, a message
 * context-menu command `onMessage`). Buttons and modals route by the `name:` prefix of custom_id.
 */
export interface SlashCommand {
  definition: RESTPostAPIApplicationCommandsJSONBody;
  execute?(interaction: ChatInputCommandInteraction, ctx: CommandContext): Promise<void>;
  onMessage?(interaction: MessageContextMenuCommandInteraction, ctx: CommandContext): Promise<void>;
  autocomplete?(interaction: AutocompleteInteraction, ctx: CommandContext): Promise<void>;
  button?(interaction: ButtonInteraction, args: string[], ctx: CommandContext): Promise<void>;
  modal?(interaction: ModalSubmitInteraction, args: string[], ctx: CommandContext): Promise<void>;
}

/** Every reply goes out with this: article text may contain @everyone, role or user mentions. */
export const NO_MENTIONS = { parse: [] as [] };

/** custom_id of a button: `<command>:<args…>`, at most 100 characters. */
export function customId(command: string, ...args: (string | number)[]): string {
  const id = [command, ...args].join(':');
  if (id.length > 100) throw new Error(`custom_id too long (${id.length}): ${id.slice(0, 40)}…`);
  return id;
}
