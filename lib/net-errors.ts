/**
 * What went wrong with a connection, in words a person reads in a terminal: the code of the error or of any
 * error in its `cause` chain (fetch wraps the socket's error; mqtt.js passes it through).
 */
const WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused', ENOTFOUND: 'no such host', EAI_AGAIN: 'no such host', ETIMEDOUT: 'timed out',
  UND_ERR_CONNECT_TIMEOUT: 'timed out', EHOSTUNREACH: 'host unreachable', ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset', EPIPE: 'connection reset', ECONNABORTED: 'connection aborted',
};

export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/** "connection refused", or undefined when `err` is not a failure to reach a server */
export function unreachableReason(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && WORDS[code]) return WORDS[code];
    if (e.name === 'TimeoutError') return 'timed out';
  }
  return undefined;
}
