import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import { createSelfSignedCert, startFoundryStub, trustCertificate, type FoundryStub, type StubRoutes } from '@nexus-otel/example-azure-agents/foundry-stub';
import { startAzureTracing, type AzureTracing } from './tracing.js';

export type Cleanups = Array<() => Promise<void> | void>;

/**
 * A Foundry stub with these routes, a local Nexus, and the app's tracing exporting to it; each
 * undone by `cleanups`. The stub's self-signed certificate is trusted process-wide: the OpenAI
 * client that ai-projects builds calls the global fetch (ai-projects overrides any `fetch` option
 * with its tracing wrapper), and Node's fetch takes no https.Agent. Adding the certificate to the
 * default CA list covers fetch and the core pipeline alike, and is undone after the test.
 */
export async function foundryToNexus(routes: StubRoutes, cleanups: Cleanups): Promise<{ stub: FoundryStub; nexus: NexusLocal; tracing: AzureTracing }> {
  const cert = createSelfSignedCert();
  const stub = await startFoundryStub(cert, routes);
  cleanups.push(() => stub.close());
  cleanups.push(trustCertificate(cert.cert));
  const key = generateKey();
  const nexus = await startNexusLocal({ keys: { [key]: {} } });
  cleanups.push(() => nexus.close());
  const tracing = startAzureTracing(new NexusSpanExporter({ apiKey: key, baseUrl: nexus.url, agent: 'azure-e2e' }));
  cleanups.push(() => tracing.shutdown());
  return { stub, nexus, tracing };
}

/** A Foundry stub for an app in a child process, which trusts its certificate through NODE_EXTRA_CA_CERTS=caFile. */
export async function foundryForChild(routes: StubRoutes, cleanups: Cleanups): Promise<{ stub: FoundryStub; caFile: string }> {
  const cert = createSelfSignedCert();
  const stub = await startFoundryStub(cert, routes);
  cleanups.push(() => stub.close());
  const dir = mkdtempSync(join(tmpdir(), 'nexus-otel-azure-e2e-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const caFile = join(dir, 'stub-ca.pem');
  writeFileSync(caFile, cert.cert);
  return { stub, caFile };
}
