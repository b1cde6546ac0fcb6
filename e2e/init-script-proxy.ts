/**
 * Init scripts for a browser driven over WebDriver classic, which has no command for them: a reverse proxy for one
 * origin puts `<script src="/__e2e-init.js">` first in every HTML document and serves that file. Same-origin, so it
 * passes a `script-src 'self'` policy too. Every response header passes through unchanged (Content-Security-Policy,
 * COOP/COEP included); bodies are asked for uncompressed.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const INIT_PATH = '/__e2e-init.js';

export interface InitProxy {
  /** The proxy's own origin: load `${origin}${path}` instead of the target's. */
  origin: string;
  close(): Promise<void>;
}

/** Proxies `origin`; `initScript()` is read at every request of the init file (the page being loaded's scripts). */
export async function startInitProxy(origin: string, initScript: () => string): Promise<InitProxy> {
  const target = new URL(origin);
  const server: Server = createServer((req, res) => {
    if (req.url === INIT_PATH) {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' }).end(initScript());
      return;
    }
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: target.host, 'accept-encoding': 'identity' },
      },
      (up) => {
        const isHtml = String(up.headers['content-type'] ?? '').includes('text/html');
        if (!isHtml) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        up.on('data', (chunk: Buffer) => chunks.push(chunk));
        up.on('end', () => {
          const html = Buffer.concat(chunks).toString('utf8');
          const tag = `<script src="${INIT_PATH}"></script>`;
          const head = /<head[^>]*>/i.exec(html);
          const injected = head ? html.replace(head[0], `${head[0]}${tag}`) : `${tag}${html}`;
          const { 'content-length': _length, 'transfer-encoding': _encoding, ...headers } = up.headers;
          res.writeHead(up.statusCode ?? 502, { ...headers, 'content-length': Buffer.byteLength(injected) });
          res.end(injected);
        });
      },
    );
    upstream.on('error', (error) => res.writeHead(502).end(String(error)));
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
