/** An HTTP answer, headers lower-cased. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The body as received, for a binary object (a gzip file); the text above is its UTF-8 reading. */
  readonly bytes?: Uint8Array;
}

/** A request. */
export interface HttpRequest {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** Sends requests with a timeout on each; never hangs. */
export interface HttpClient {
  request(url: string, init?: HttpRequest): Promise<HttpResponse>;
}

/** An HTTP client on Node's fetch, giving up on any request after `timeoutMs`. */
export function httpClient(timeoutMs: number): HttpClient {
  return {
    async request(url, init = {}) {
      const response = await fetch(url, {
        method: init.method ?? 'GET',
        headers: init.headers,
        body: init.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const headers: Record<string, string> = {};
      response.headers.forEach((value, key) => { headers[key.toLowerCase()] = value; });
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, headers, body: new TextDecoder().decode(bytes), bytes };
    },
  };
}
