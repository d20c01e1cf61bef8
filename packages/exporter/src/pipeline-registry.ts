import { createHash } from 'node:crypto';
import { NexusPipeline } from './pipeline.js';
import { resolveConfig } from './config/resolve.js';
import type { NexusExporterOptions } from './config/options.js';

/** Live pipelines of this process, by what they send where. */
const pipelines = new Map<string, NexusPipeline>();
const identities = new WeakMap<object, number>();
let nextIdentity = 1;

/**
 * The pipeline an exporter built from `options` uses: the same one as every other live exporter of
 * this process with the same destination and settings. Two tracer providers in one process (a
 * hand-built one and the register entry's, or one per library) then see each other's spans, so an
 * OTel trace whose root is exported by one and a child by the other is one Nexus trace, not two
 * with one left `running`. A disabled configuration gets a pipeline of its own (it sends nothing).
 */
export function sharedPipeline(options: NexusExporterOptions): NexusPipeline {
  const key = fingerprint(options);
  if (key === undefined) return new NexusPipeline(options);
  const live = pipelines.get(key);
  if (live && !live.stopping) return live;
  const pipeline = new NexusPipeline(options);
  pipelines.set(key, pipeline);
  pipeline.onStop(() => {
    if (pipelines.get(key) === pipeline) pipelines.delete(key);
  });
  return pipeline;
}

/**
 * Settings as resolved (environment included); functions and objects by identity; the key, headers,
 * proxy and CAs by a hash of their content (the environment makes new ones for every exporter). The
 * export mode is left out: it is each exporter's own.
 */
function fingerprint(options: NexusExporterOptions): string | undefined {
  const resolved = resolveConfig(options);
  if (!resolved.ok) return undefined;
  const { apiKey, baseUrl, headers, proxy, ca, exportMode: _mode, ...rest } = resolved.config;
  const parts: unknown[] = [hash(apiKey), baseUrl.href, hash(JSON.stringify(Object.entries(headers).sort())), hash(proxy?.href ?? ''), hash(JSON.stringify(ca ?? null))];
  for (const [name, value] of Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))) {
    parts.push(name, typeof value === 'object' || typeof value === 'function' ? identityOf(value) : value);
  }
  return JSON.stringify(parts);
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function identityOf(value: object | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}
