/**
 * Conditions under which sending is pointless until something changes: a refused key (nothing can
 * be sent), the monthly trace limit (no trace can be created; spans of existing traces still can),
 * or the free plan's agent limit, which refuses new traces of one agent name only: the agent
 * already in use keeps creating its traces.
 */
export class Blocks {
  private authUntil = 0;
  private monthlyUntil = 0;
  /** Agent name → until when its traces are refused (403). Expired entries are pruned. */
  private readonly agentUntil = new Map<string, number>();

  authBlocked(now: number): boolean {
    return now < this.authUntil;
  }

  /** Why no trace of `agent` can be created now, if so. */
  limitBlocked(now: number, agent: string): 'agent_limit' | 'monthly_limit' | undefined {
    if (now < this.monthlyUntil) return 'monthly_limit';
    return now < (this.agentUntil.get(agent) ?? 0) ? 'agent_limit' : undefined;
  }

  blockAuth(now: number, millis: number): void {
    this.authUntil = now + millis;
  }

  /** A monthly limit can lift at the next UTC month at the latest (or sooner, on an upgrade). */
  blockLimit(kind: 'agent_limit' | 'monthly_limit', now: number, millis: number, agent: string): void {
    if (kind === 'monthly_limit') {
      const date = new Date(now);
      this.monthlyUntil = Math.min(now + millis, Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
      return;
    }
    for (const [name, until] of this.agentUntil) if (until <= now) this.agentUntil.delete(name);
    this.agentUntil.set(agent, now + millis);
  }

  /**
   * A trace of `agent` got through: the blocks it was under had lifted. Returns the keys of the
   * messages that may be said again (`401`, `429`, `403:<agent>`), once per block.
   */
  lifted(agent: string): string[] {
    const keys: string[] = [];
    if (this.authUntil !== 0) keys.push('401');
    if (this.monthlyUntil !== 0) keys.push('429');
    if (this.agentUntil.delete(agent)) keys.push(agentLimitKey(agent));
    this.authUntil = 0;
    this.monthlyUntil = 0;
    return keys;
  }
}

/** The diag key of an agent's 403: each refused agent name is said once. */
export function agentLimitKey(agent: string): string {
  return `403:${agent}`;
}
