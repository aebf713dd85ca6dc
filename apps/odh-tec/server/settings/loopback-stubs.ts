// Test helpers: a Hub whoami stub, an HTTP target and a forward proxy, all on 127.0.0.1 (spec acceptance 15, 24).
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface LoopbackServer {
  url: string;
  /** what the server saw, one line per request */
  seen: string[];
  close(): Promise<void>;
}

async function listen(server: Server, sockets: Set<Socket>, seen: string[]): Promise<LoopbackServer> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** `GET /api/whoami-v2`: 200 with the Hub's shape for `goodToken`, 401 otherwise; `seen` records the Authorization header. */
export function startWhoamiStub(goodToken: string): Promise<LoopbackServer> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url} ${request.headers.authorization ?? '(no authorization)'}`);
    if (request.url !== '/api/whoami-v2') return void response.writeHead(404).end();
    if (request.headers.authorization !== `Bearer ${goodToken}`) {
      response.writeHead(401, { 'content-type': 'application/json' });
      return void response.end(JSON.stringify({ error: 'Invalid credentials in Authorization header' }));
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        type: 'user',
        name: 'stub-user',
        auth: { accessToken: { displayName: 'stub-read', role: 'read' } },
      }),
    );
  });
  return listen(server, new Set(), seen);
}

/** `/` answers 200, `/redirect` answers 302 to `/`, `/missing` 404. */
export function startTarget(): Promise<LoopbackServer> {
  const seen: string[] = [];
  const server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    if (request.url === '/redirect') return void response.writeHead(302, { location: '/' }).end();
    if (request.url === '/missing') return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/plain' }).end('target body');
  });
  return listen(server, new Set(), seen);
}

/** A forward proxy: absolute-form requests for http:// and CONNECT tunnels; `seen` records each target. */
export function startForwardProxy(): Promise<LoopbackServer> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request: IncomingMessage, response) => {
    seen.push(`${request.method} ${request.url}`);
    const upstream = httpRequest(request.url!, { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    seen.push(`CONNECT ${request.url}`);
    const [host, port] = request.url!.split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return listen(server, sockets, seen);
}
