// A Zipkin-compatible span endpoint that accepts, counts and discards (POST /api/v2/spans → 202;
// GET /stats → {batches, spans}). A real Zipkin server is a JVM that would take a core of this
// two-core machine away from the services under test; BENCH_ZIPKIN_URL points the benchmark at a
// real one instead. Spans are counted by their "traceId" keys rather than parsed: the sink shares a
// core with wrk, and the count only has to show that every request's span arrived.
import { createServer } from 'node:http';

let batches = 0;
let spans = 0;
createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    if (req.url === '/stats') return void res.end(JSON.stringify({ batches, spans }));
    const body = Buffer.concat(chunks).toString('latin1');
    for (let at = body.indexOf('"traceId"'); at !== -1; at = body.indexOf('"traceId"', at + 1)) spans++;
    batches++;
    res.writeHead(202).end();
  });
}).listen(Number(process.env.PORT), '127.0.0.1');
