// The azure-agents example as a library: the demo runs it, and its test drives it.
export { runAzureAgentsExample, type AzureAgentsExampleOptions, type AzureAgentsExampleResult } from './example.js';
export { nodeSupportProblem } from './node-support.js';
export { AGENT_NAME, QUESTION, RUN_SPAN } from './agent.js';
export { WEATHER_TOOL, getCurrentWeather } from './weather.js';
