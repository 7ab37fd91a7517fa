import type { Answer } from '../retrieval/types.ts';

export interface CachedAnswer {
  answer: Answer;
  createdAt: number;
}

/**
 * Answers behind "More passages" / "Full paragraph" buttons, keyed by the interaction id (a
 * custom_id holds 100 characters, too few for a question). Bounded; old entries expire.
 */
export class AnswerCache {
  private readonly map = new Map<string, CachedAnswer>();

  constructor(
    private readonly max = 1000,
    private readonly ttlMs = 24 * 3600_000,
    private readonly now: () => number = Date.now,
  ) {}

  put(key: string, answer: Answer): void {
    this.map.delete(key);
    this.map.set(key, { answer, createdAt: this.now() });
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  get(key: string): Answer | null {
    const hit = this.map.get(key);
    if (!hit) return null;
    if (this.now() - hit.createdAt > this.ttlMs) {
      this.map.delete(key);
      return null;
    }
    return hit.answer;
  }

  /** Drops every answer: after a re-index their paragraphs may have moved. */
  clear(): void {
    this.map.clear();
  }
}
