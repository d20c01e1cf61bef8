// The same agent as app.js, as a CommonJS app:
//   node --require @nexus-otel/exporter/register app.cjs
const OpenAI = require('openai');

async function main() {
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
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
