/**
 * Conditions under which sending is pointless until something changes: a refused key (nothing can
 * be sent), or a plan limit (no trace can be created; spans of existing traces still can).
 */
export class Blocks {
  private authUntil = 0;
  private limitUntil = 0;
  private limitKind: 'agent_limit' | 'monthly_limit' = 'agent_limit';

  authBlocked(now: number): boolean {
    return now < this.authUntil;
  }

  limitBlocked(now: number): 'agent_limit' | 'monthly_limit' | undefined {
    return now < this.limitUntil ? this.limitKind : undefined;
  }

  blockAuth(now: number, millis: number): void {
    this.authUntil = now + millis;
  }

  /** A monthly limit can lift at the next UTC month at the latest (or sooner, on an upgrade). */
  blockLimit(kind: 'agent_limit' | 'monthly_limit', now: number, millis: number): void {
    this.limitKind = kind;
    let until = now + millis;
    if (kind === 'monthly_limit') {
      const date = new Date(now);
      until = Math.min(until, Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
    }
    this.limitUntil = until;
  }

  /** True once after a block had been set and a trace got through: the condition changed. */
  lifted(): boolean {
    const was = this.authUntil !== 0 || this.limitUntil !== 0;
    this.authUntil = 0;
    this.limitUntil = 0;
    return was;
  }
}
