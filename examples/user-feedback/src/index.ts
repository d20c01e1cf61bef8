// The user-feedback example as a library, for its test.
export { runFeedbackExample, FEEDBACK, QUESTION, RUN_SPAN, type FeedbackExampleRun } from './example.js';
export { MODEL } from './model.js';
