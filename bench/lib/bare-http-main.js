/** The start-up baseline: a bare node:http server, started the same way as `npm start` (plain node through npm), answering /readyz. */
import { createServer } from 'node:http';

createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"ready"}');
}).listen(Number(process.env.PORT), '127.0.0.1');
