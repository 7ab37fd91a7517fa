import { slashCommand } from './interactions.ts';
import { isCallback, isEdit, type FakeDiscord } from './server.ts';

const QUESTIONS = [
  'How long is the national strike by UK railway workers?',
  'Who cracked down on students in Sri Lanka?',
  'What did Lavrov say about China and Russia?',
  'Why is Israel losing the war?',
  'What happened in Rafah?',
  'When did the railway workers strike?',
  'What did Biden say about a ceasefire?',
  'Who is M.K. Bhadrakumar?',
];

export interface BurstResult {
  sent: number;
  /** Interactions acknowledged (deferred) and, for each, milliseconds from dispatch to acknowledgement. */
  ackMs: number[];
  /** Final replies that carry an answer (an embed). */
  answered: number;
  /** Final replies that are an apology or a "busy" message. */
  sorry: number;
  busy: number;
  /** Milliseconds from the first dispatch to the last answer. */
  doneMs: number;
}

/**
 * Sends `n` /ask from `n` different users spread evenly over `overMs`, then waits until each has a
 * final reply (or `timeoutMs` passed) and measures acknowledgements and outcomes.
 */
export async function askBurst(fake: FakeDiscord, n: number, overMs: number, timeoutMs: number, userBase = 900000000000000000n): Promise<BurstResult> {
  const sent: { token: string; at: number }[] = [];
  const start = Date.now();
  for (let k = 0; k < n; k++) {
    const wait = start + (k * overMs) / n - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const payload = slashCommand('ask', { question: QUESTIONS[k % QUESTIONS.length]! }, { userId: String(userBase + BigInt(k)) });
    sent.push({ token: payload.token, at: Date.now() });
    fake.dispatchInteraction(payload);
  }
  const tokens = new Map(sent.map((s) => [s.token, s.at]));
  const tokenOf = (path: string) => path.split('/').find((p) => tokens.has(p));
  const finals = new Map<string, { at: number; body: any }>();
  const acks = new Map<string, number>();
  const deadline = start + timeoutMs;
  let seen = 0;
  while (Date.now() < deadline) {
    for (; seen < fake.requests.length; seen++) {
      const r = fake.requests[seen]!;
      const token = tokenOf(r.path);
      if (!token) continue;
      if (isCallback(r) && r.status >= 200 && r.status < 300) {
        acks.set(token, r.at - tokens.get(token)!);
        // An immediate reply (cooldown, busy) is final too.
        if (r.body?.type === 4) finals.set(token, { at: r.at, body: r.body.data });
      }
      if (isEdit(r) && r.status === 200) finals.set(token, { at: r.at, body: r.body });
    }
    if (finals.size === n) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const bodies = [...finals.values()].map((f) => f.body);
  return {
    sent: n,
    ackMs: [...acks.values()],
    answered: bodies.filter((b) => b?.embeds?.length).length,
    sorry: bodies.filter((b) => /^Sorry/.test(b?.content ?? '')).length,
    busy: bodies.filter((b) => /try again shortly/.test(b?.content ?? '')).length,
    doneMs: Math.max(0, ...[...finals.values()].map((f) => f.at - start)),
  };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
