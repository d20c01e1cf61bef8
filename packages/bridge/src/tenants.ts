import { createHash } from 'node:crypto';
import { createNexusExporters, type NexusExporterOptions, type NexusExporters, type NexusExporterStats } from '@nexus-otel/exporter';

/** The exporters of one Nexus key; `id` names it in stats and logs (a hash: never the key). */
export interface Tenant {
  id: string;
  exporters: NexusExporters;
}

/**
 * One pair of Nexus exporters per API key (the bridge's own, and each one senders give per
 * request), created on first use and kept: each holds the traces of that key being assembled.
 * Settings other than the key come from the bridge's environment (NEXUS_*), as for any exporter.
 */
export class Tenants {
  private readonly byKey = new Map<string, Tenant>();

  private readonly options: NexusExporterOptions;

  constructor(
    options: NexusExporterOptions = {},
    private readonly maxTenants = 1000,
    env: Readonly<Record<string, string | undefined>> = process.env,
  ) {
    // Spans of one trace come from several processes: one whose parent is remote waits for it
    // (10 s unless NEXUS_REMOTE_PARENT_WAIT_MILLIS says otherwise) rather than start a trace of its own.
    const waitFromEnv = env['NEXUS_REMOTE_PARENT_WAIT_MILLIS']?.trim();
    this.options = { ...(waitFromEnv ? {} : { remoteParentWaitMillis: 10_000 }), ...options };
  }

  /** The tenant of `apiKey` (undefined: the bridge's own), or undefined when there are too many. */
  get(apiKey: string | undefined): Tenant | undefined {
    const slot = apiKey ?? '';
    const known = this.byKey.get(slot);
    if (known) return known;
    if (this.byKey.size >= this.maxTenants) return undefined;
    const exporters = createNexusExporters(apiKey === undefined ? this.options : { ...this.options, apiKey });
    const tenant = { id: apiKey === undefined ? 'own' : tenantId(apiKey), exporters };
    this.byKey.set(slot, tenant);
    return tenant;
  }

  /** Spans held for Nexus across tenants: what backpressure looks at. */
  heldSpans(): number {
    let held = 0;
    for (const tenant of this.byKey.values()) held += tenant.exporters.spanExporter.getStats().heldSpans;
    return held;
  }

  stats(): Record<string, NexusExporterStats> {
    const out: Record<string, NexusExporterStats> = {};
    for (const tenant of this.byKey.values()) out[tenant.id] = tenant.exporters.spanExporter.getStats();
    return out;
  }

  /** Flushes and stops every tenant's exporters. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.byKey.values()].flatMap((t) => [t.exporters.spanExporter.shutdown(), t.exporters.logRecordExporter.shutdown()]));
  }
}

/** A short, stable name for a key that does not reveal it. */
export function tenantId(apiKey: string): string {
  return `key-${createHash('sha256').update(apiKey).digest('hex').slice(0, 10)}`;
}
