// A small support agent. It has no OpenTelemetry code at all: run it with
//   node --import @nexus-otel/exporter/register app.js
// and the environment (NEXUS_API_KEY, OTEL_TRACES_EXPORTER, …) decides where its traces go.
import OpenAI from 'openai';

// OPENAI_API_KEY and OPENAI_BASE_URL come from the environment, as the SDK reads them.
const client = new OpenAI();
const question = process.argv[2] ?? 'My order #1234 has not arrived. What can I do?';

const completion = await client.chat.completions.create({
  model: process.env.OPENAI_MODEL ?? 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are the support agent of an online shop. Answer in one sentence.' },
    { role: 'user', content: question },
  ],
});
console.log(`agent: ${completion.choices[0]?.message.content}`);
