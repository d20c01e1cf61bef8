import { chatCompletionToolCall, chatCompletionWeatherAnswer, startOpenAiStub, type OpenAiStub } from './openai-stub.js';

/**
 * The OpenAI API on 127.0.0.1, for running the example without a key: Chat Completions that asks
 * for get_weather, then answers once the request carries the tool's result.
 */
export function startLocalOpenAi(): Promise<OpenAiStub> {
  return startOpenAiStub({
    'POST /v1/chat/completions': (request) => {
      const messages = (request.body as { messages?: Array<{ role?: string }> } | undefined)?.messages ?? [];
      return messages.some((m) => m.role === 'tool') ? chatCompletionWeatherAnswer() : chatCompletionToolCall();
    },
  });
}
