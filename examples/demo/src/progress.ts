/**
 * Says every `everyMs` that a long step is still going (the npm install of Node 22 prints nothing),
 * until the returned function is called; that function gives the seconds it took.
 */
export function heartbeat(say: (seconds: number) => void, everyMs: number): () => number {
  const started = Date.now();
  const seconds = (): number => Math.round((Date.now() - started) / 1000);
  const timer = setInterval(() => say(seconds()), everyMs);
  return () => {
    clearInterval(timer);
    return seconds();
  };
}
