import http from 'node:http';

export type LoadBalancer = {
  /** Requests forwarded to each target, in the order given. */
  forwarded: number[];
  close(): Promise<void>;
};

/**
 * A round-robin HTTP proxy in front of several web processes, as a deployment's load balancer would
 * be: each request goes to the next target, body and headers untouched (webhook signatures hold).
 */
export async function startLoadBalancer(port: number, targetPorts: number[]): Promise<LoadBalancer> {
  const forwarded = targetPorts.map(() => 0);
  let next = 0;
  const server = http.createServer((request, response) => {
    const index = next++ % targetPorts.length;
    forwarded[index] = (forwarded[index] ?? 0) + 1;
    const upstream = http.request(
      {
        host: '127.0.0.1',
        port: targetPorts[index],
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => {
      if (!response.headersSent) response.writeHead(502);
      response.end();
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
