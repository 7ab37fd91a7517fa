/** Per-user cooldown: a user may run a command once per `ms`. */
export class Cooldown {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly ms: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds the user still has to wait (0 = go, and the clock restarts). */
  take(userId: string): number {
    const t = this.now();
    const prev = this.last.get(userId);
    if (prev !== undefined && t - prev < this.ms) return this.ms - (t - prev);
    this.last.set(userId, t);
    if (this.last.size > 10_000) {
      for (const [u, at] of this.last) if (t - at >= this.ms) this.last.delete(u);
    }
    return 0;
  }
}
