// An ES-module app on @azure/ai-projects 1.x, whose `client.agents` is an @azure/ai-agents client
// (installed here as @azure/ai-projects-1): `node --import ./register.mjs projects1-app.mjs`.
import { createRequire } from 'node:module';
import { AIProjectClient } from '@azure/ai-projects-1';

const { credential, runAgent } = createRequire(import.meta.url)('./agents-run.cjs');
await runAgent(new AIProjectClient(process.env.STUB_ENDPOINT, credential).agents);
