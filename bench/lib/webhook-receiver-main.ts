/**
 * A loopback webhook receiver in its own process: reads each POST's body and answers 204; `GET /stats` gives
 * the number received. Sends `{ ready: { port } }`.
 */
import { createServer } from 'node:http';

let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST') {
      received++;
      res.writeHead(204).end();
      return;
    }
    const text = JSON.stringify({ received });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  });
});
server.keepAliveTimeout = 60_000;

server.listen(0, '127.0.0.1', 1024, () => {
  const address = server.address();
  process.send?.({ ready: { port: typeof address === 'object' && address ? address.port : 0 } });
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
