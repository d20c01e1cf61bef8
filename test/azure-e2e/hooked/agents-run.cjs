// One agent run with a function call, as an app writes it with @azure/ai-agents 1.x, against
// STUB_ENDPOINT; shared by the apps, each of which makes its AgentsClient its own way.
exports.credential = { getToken: async () => ({ token: 'fake', expiresOnTimestamp: Date.now() + 3_600_000 }) };

exports.runAgent = async function runAgent(client) {
  const agent = await client.createAgent('gpt-4o', { name: 'weather-math-agent', tools: [{ type: 'code_interpreter' }] });
  const thread = await client.threads.create();
  await client.messages.create(thread.id, 'user', "What is sqrt(1764)? And what's the weather in Seattle?");
  let run = await client.runs.create(thread.id, agent.id);
  while (['queued', 'in_progress', 'requires_action'].includes(run.status)) {
    const action = run.requiredAction;
    if (action && 'submitToolOutputs' in action) {
      const outputs = action.submitToolOutputs.toolCalls.map((call) => ({ toolCallId: call.id, output: '{"temperature":"12C"}' }));
      run = await client.runs.submitToolOutputs(thread.id, run.id, outputs);
    } else {
      run = await client.runs.get(thread.id, run.id);
    }
  }
  for await (const step of client.runSteps.list(thread.id, run.id)) void step;
  console.log(JSON.stringify({ status: run.status }));
};
