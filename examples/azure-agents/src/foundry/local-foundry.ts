import { createAgentsV2Routes, type AgentsV2Stub } from './agents-v2-routes.js';
import { startFoundryStub, type StubRequest } from './stub.js';
import { createSelfSignedCert } from './tls-cert.js';
import { trustCertificate } from './trust.js';

export interface LocalFoundry {
  /** The project endpoint to give `AIProjectClient`. */
  readonly endpoint: string;
  readonly requests: readonly StubRequest[];
  /** The ids the stub hands out (conversation, tool calls, responses), fresh per start. */
  readonly ids: AgentsV2Stub['ids'];
  /** Stops the stub and takes its certificate out of the trusted ones. */
  close(): Promise<void>;
}

/**
 * A Foundry project on 127.0.0.1, for running the example without Azure: the HTTPS stub with the
 * agents-v2 routes (an agent turn that runs code_interpreter and asks for one function call, then
 * answers), its self-signed certificate trusted by this process (Node >= 22.19).
 */
export async function startLocalFoundry(): Promise<LocalFoundry> {
  const cert = createSelfSignedCert();
  const v2 = createAgentsV2Routes();
  const stub = await startFoundryStub(cert, v2.routes);
  const untrust = trustCertificate(cert.cert);
  return {
    endpoint: stub.endpoint,
    requests: stub.requests,
    ids: v2.ids,
    close: async () => {
      untrust();
      await stub.close();
    },
  };
}
