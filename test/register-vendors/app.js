// The env-only example's agent: no OpenTelemetry code; the register entry traces it with whichever
// OpenAI instrumentation this folder has installed.
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
