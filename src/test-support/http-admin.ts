/**
 * A signed-in admin of a Callport process over real HTTP (session cookie + CSRF token), as a browser
 * would be: for the soak and the benchmarks, which drive `callport` child processes.
 */
export type HttpAdmin = {
  request(method: string, url: string, body?: unknown): Promise<Response>;
  /** `request`, then the JSON answer; throws on a status other than 2xx. */
  json<T>(method: string, url: string, body?: unknown): Promise<T>;
};

export async function signIn(baseUrl: string, email: string, password: string): Promise<HttpAdmin> {
  const response = await fetch(new URL('/api/session', baseUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  const cookies = new Map<string, string>();
  const keep = (answer: Response) => {
    for (const cookie of answer.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const index = pair.indexOf('=');
      if (index > 0) cookies.set(pair.slice(0, index), pair.slice(index + 1));
    }
  };
  keep(response);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const request = async (method: string, url: string, body?: unknown) => {
    const answer = await fetch(new URL(url, baseUrl), {
      method,
      redirect: 'manual',
      headers: {
        cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        'x-csrf-token': csrfToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
    keep(answer);
    return answer;
  };
  return {
    request,
    json: async <T>(method: string, url: string, body?: unknown) => {
      const answer = await request(method, url, body);
      if (!answer.ok) throw new Error(`${method} ${url}: ${answer.status} ${await answer.text()}`);
      return (await answer.json()) as T;
    },
  };
}
