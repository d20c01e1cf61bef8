import { AIProjectClient } from '@azure/ai-projects';
import type { TokenCredential } from '@azure/identity';
import { startLocalFoundry } from './foundry/local-foundry.js';

/** GenAI tracing of ai-projects: experimental (the flag acknowledges it), with message content. */
const tracingOptions = { experimental: true, contentRecording: true };

export interface ProjectTarget {
  project: AIProjectClient;
  /** The model deployment the agent uses. */
  model: string;
  /** Where the run goes, for the log. */
  description: string;
  close(): Promise<void>;
}

/** The local stub checks no token; the client only needs one to put in the Authorization header. */
const stubCredential: TokenCredential = { getToken: async () => ({ token: 'local-stub', expiresOnTimestamp: Date.now() + 3_600_000 }) };

/**
 * The project to run against: the real Foundry project at AZURE_AI_PROJECT_ENDPOINT, signed in
 * with DefaultAzureCredential (`az login`, a managed identity, AZURE_CLIENT_ID/…), or else a local
 * stub of one on 127.0.0.1.
 */
export async function connectProject(env: NodeJS.ProcessEnv): Promise<ProjectTarget> {
  const endpoint = env['AZURE_AI_PROJECT_ENDPOINT'];
  if (endpoint) {
    const { DefaultAzureCredential } = await import('@azure/identity');
    return {
      project: new AIProjectClient(endpoint, new DefaultAzureCredential(), { tracingOptions }),
      model: env['AZURE_AI_MODEL_DEPLOYMENT_NAME'] || 'gpt-4o',
      description: `Azure AI Foundry project ${endpoint}`,
      close: async () => {},
    };
  }
  const foundry = await startLocalFoundry();
  return {
    project: new AIProjectClient(foundry.endpoint, stubCredential, { tracingOptions }),
    model: 'gpt-4o',
    description: `local Foundry stub ${foundry.endpoint}`,
    close: () => foundry.close(),
  };
}
