// examples/env-only/app.js, in a directory whose dependencies are the OpenTelemetry JS 3.x line:
// the register entry starts the SDK the app installed. No OpenTelemetry code here either.
import OpenAI from 'openai';

const client = new OpenAI();
const completion = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are the support agent of an online shop. Answer in one sentence.' },
    { role: 'user', content: process.argv[2] ?? 'My order #1234 has not arrived. What can I do?' },
  ],
});
console.log(`agent: ${completion.choices[0]?.message.content}`);
