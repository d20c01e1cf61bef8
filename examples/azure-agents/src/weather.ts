import type { FunctionTool } from '@azure/ai-projects';

/** The function tool the agent may call; the app runs it and sends the result back. */
export const WEATHER_TOOL: FunctionTool = {
  type: 'function',
  name: 'get_current_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string', description: 'City and region, e.g. Seattle, WA' } },
    required: ['location'],
  },
};

/** A stand-in weather service: fixed readings, so every run (and the test) sees the same result. */
export function getCurrentWeather(location: string): { location: string; temperature: string; condition: string } {
  return { location, temperature: '12C', condition: 'cloudy' };
}

/** Runs the function call the agent asked for; its JSON result is what goes back to the agent. */
export function runFunctionCall(name: string, argumentsJson: string): string {
  if (name !== WEATHER_TOOL.name) return JSON.stringify({ error: `unknown function ${name}` });
  const args = JSON.parse(argumentsJson) as { location?: unknown };
  return JSON.stringify(getCurrentWeather(typeof args.location === 'string' ? args.location : 'unknown'));
}
