// A Zipkin-compatible span endpoint that accepts and discards (POST /api/v2/spans → 202). A real
// Zipkin server is a JVM that would take a core of this two-core machine away from the services
// under test; BENCH_ZIPKIN_URL points the benchmark at a real one instead.
import { createServer } from 'node:http';

let batches = 0;
let bytes = 0;
createServer((req, res) => {
  req.on('data', (chunk) => (bytes += chunk.length));
  req.on('end', () => {
    if (req.url === '/stats') return void res.end(JSON.stringify({ batches, bytes }));
    batches++;
    res.writeHead(202).end();
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
