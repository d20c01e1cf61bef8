// An ES-module app on @azure/ai-agents: `node --import ./register.mjs agents-app.mjs`.
import { createRequire } from 'node:module';
import { AgentsClient } from '@azure/ai-agents';

const { credential, runAgent } = createRequire(import.meta.url)('./agents-run.cjs');
await runAgent(new AgentsClient(process.env.STUB_ENDPOINT, credential));
