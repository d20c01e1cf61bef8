// A CommonJS app on @azure/ai-agents: `node --require ./register.cjs agents-app.cjs`.
const { AgentsClient } = require('@azure/ai-agents');
const { credential, runAgent } = require('./agents-run.cjs');

runAgent(new AgentsClient(process.env.STUB_ENDPOINT, credential));
