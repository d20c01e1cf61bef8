import * as tls from 'node:tls';

/** Node >= 22.19 (typed in @types/node 22+, not in the 20 this repository builds with). */
interface DefaultCaApi {
  getCACertificates?: (type: 'default') => string[];
  setDefaultCACertificates?: (certs: string[]) => void;
}
const caApi = tls as unknown as DefaultCaApi;

/** Whether this Node can add a trust anchor at run time (22.19+), rather than only through NODE_EXTRA_CA_CERTS at start. */
export function canTrustAtRuntime(): boolean {
  return typeof caApi.getCACertificates === 'function' && typeof caApi.setDefaultCACertificates === 'function';
}

/**
 * Trusts a certificate process-wide, and returns how to undo it. Process-wide because the OpenAI
 * client that ai-projects builds calls the global `fetch` (ai-projects replaces any `fetch` option
 * with its tracing wrapper) and Node's fetch takes no https.Agent; the default CA list covers fetch
 * and the Azure core pipeline alike.
 */
export function trustCertificate(cert: string): () => void {
  if (!canTrustAtRuntime()) throw new Error(`Node ${process.versions.node} cannot add a trusted certificate at run time (needs Node >= 22.19)`);
  const defaults = caApi.getCACertificates!('default');
  caApi.setDefaultCACertificates!([...defaults, cert]);
  return () => caApi.setDefaultCACertificates!(defaults);
}
