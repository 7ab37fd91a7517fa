import { normalizeQuery } from './text.ts';

/** A problem the user can fix; its message is shown to them as is. */
export class UserError extends Error {
  override name = 'UserError';
}

export const MAX_QUESTION_CHARS = 500;

export function checkQuestion(q: unknown): string {
  const text = typeof q === 'string' ? normalizeQuery(q) : '';
  if (!text) throw new UserError('Please type a question, e.g. "Who cracked down on students in Sri Lanka?"');
  if (text.length > MAX_QUESTION_CHARS) {
    throw new UserError(`That question is ${text.length} characters long; please keep it under ${MAX_QUESTION_CHARS}.`);
  }
  if (!/[\p{L}\p{N}]/u.test(text)) throw new UserError('Please ask a question in words.');
  return text;
}

/** A date filter as given by a user; `label` names the option in the message (e.g. "--since"). */
export function checkDate(label: string, v: string | null | undefined): string | undefined {
  if (v === undefined || v === null || v.trim() === '') return undefined;
  const s = v.trim();
  const d = new Date(`${s}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) {
    throw new UserError(`${label} needs a date as YYYY-MM-DD (got "${s.slice(0, 40)}").`);
  }
  return s;
}
