import { ApplicationCommandOptionType, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { UserError } from '../retrieval/errors.ts';

// Options are read from the raw payload and checked here: discord.js's getters throw a TypeError on
// a missing or mistyped option, which would reach the user as a generic "Sorry".

/** The raw value of an option, whatever its type, for checks that explain themselves (e.g. `checkQuestion`). */
export function optionValue(i: ChatInputCommandInteraction, name: string): unknown {
  return i.options.data.find((x) => x.name === name)?.value;
}

/** A text option, or null when it was not given. */
export function textOption(i: ChatInputCommandInteraction, name: string): string | null {
  const o = i.options.data.find((x) => x.name === name);
  if (!o || o.value === undefined || o.value === null) return null;
  if (o.type !== ApplicationCommandOptionType.String || typeof o.value !== 'string') throw new UserError(`\`${name}\` must be text.`);
  return o.value;
}

/** A whole-number option within [min, max], or null when it was not given. */
export function integerOption(i: ChatInputCommandInteraction, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  const o = i.options.data.find((x) => x.name === name);
  if (!o || o.value === undefined || o.value === null) return null;
  const n = typeof o.value === 'number' ? o.value : Number.NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`\`${name}\` must be a whole number from ${min}${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ' up'}.`);
  return n;
}

/** The option being typed in an autocomplete and its text, or null when the payload has none. */
export function focusedText(i: AutocompleteInteraction): { name: string; value: string } | null {
  const o = i.options.data.find((x) => x.focused);
  if (!o) return null;
  return { name: o.name, value: typeof o.value === 'string' ? o.value : String(o.value ?? '') };
}

/** A button argument as an index in [0, size), or null when it is not one (a stale or forged custom_id). */
export function indexArg(arg: string | undefined, size: number): number | null {
  if (arg === undefined || !/^\d{1,6}$/.test(arg)) return null;
  const n = Number(arg);
  return n < size ? n : null;
}
