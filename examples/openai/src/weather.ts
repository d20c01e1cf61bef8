/** The function the model may call (Chat Completions tool format); the app runs it and sends the result back. */
export const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['location'],
    },
  },
};

/** A stand-in weather service: fixed readings, so every run (and the test) sees the same result. */
export function getWeather(_location: string, unit = 'celsius'): { temperature: number; unit: string; condition: string } {
  return { temperature: unit === 'fahrenheit' ? 57 : 14, unit, condition: 'light rain' };
}

/** Runs the function call the model asked for; its JSON result goes back as the tool message. */
export function runFunctionCall(name: string, argumentsJson: string): string {
  if (name !== WEATHER_TOOL.function.name) return JSON.stringify({ error: `unknown function ${name}` });
  const args = JSON.parse(argumentsJson) as { location?: unknown; unit?: unknown };
  return JSON.stringify(getWeather(String(args.location ?? ''), typeof args.unit === 'string' ? args.unit : undefined));
}
