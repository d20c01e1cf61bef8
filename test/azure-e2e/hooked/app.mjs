// An app on @azure/ai-projects 2.x with the SDK's own GenAI tracing on, against STUB_ENDPOINT.
import { AIProjectClient } from '@azure/ai-projects';

const credential = { getToken: async () => ({ token: 'fake', expiresOnTimestamp: Date.now() + 3_600_000 }) };
const project = new AIProjectClient(process.env.STUB_ENDPOINT, credential, { tracingOptions: { experimental: true } });
const openai = project.getOpenAIClient();
const response = await openai.responses.create({ model: 'gpt-4o', input: 'What is the weather in Seattle?' });
console.log(JSON.stringify({ status: response.status }));
