// A CommonJS app on @azure/ai-projects 1.x (installed here as @azure/ai-projects-1):
// `node --require ./register.cjs projects1-app.cjs`.
const { AIProjectClient } = require('@azure/ai-projects-1');
const { credential, runAgent } = require('./agents-run.cjs');

runAgent(new AIProjectClient(process.env.STUB_ENDPOINT, credential).agents);
