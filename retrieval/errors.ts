/** A problem the user can fix; its message is shown to them as is. */
export class UserError extends Error {
  override name = 'UserError';
}

export const MAX_QUESTION_CHARS = 500;

export function checkQuestion(q: unknown): string {
  const text = typeof q === 'string' ? q.replace(/\s+/g, ' ').trim() : '';
  if (!text) throw new UserError('Please type a question, e.g. "Who cracked down on students in Sri Lanka?"');
  if (text.length > MAX_QUESTION_CHARS) {
    throw new UserError(`That question is ${text.length} characters long; please keep it under ${MAX_QUESTION_CHARS}.`);
  }
  if (!/[\p{L}\p{N}]/u.test(text)) throw new UserError('Please ask a question in words.');
  return text;
}
