// Types of openai-stub.js, for the test.
export declare const STUB_ANSWER: string;

export interface StubRequest {
  method: string;
  path: string;
  body: unknown;
}

export interface OpenAiStub {
  /** What to give the app as OPENAI_BASE_URL. */
  readonly baseURL: string;
  readonly requests: readonly StubRequest[];
  close(): Promise<void>;
}

export declare function startOpenAiStub(port?: number): Promise<OpenAiStub>;
