import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { Resvg } from '@resvg/resvg-js';
import { createApp } from '../../src/monitor-agent/app.js';
import type { Sample } from '../../src/monitor-agent/sample-reader.js';
import { UpstreamError, type UpstreamClient } from '../../src/monitor-agent/upstream.js';
import { monitorAgentFixture, SAMPLE } from '../helpers/fixtures.js';
import { pngInfo } from './chart/png-format.js';

function client(fetchMetric?: UpstreamClient['fetchMetric']) {
  const { config, deps } = monitorAgentFixture(fetchMetric);
  return request(createApp(config, deps).callback());
}

/** supertest hands binary bodies over as Buffers with this parser. */
const binary = (res: request.Response, callback: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
};

/** The SVG of a response as text (supertest leaves image/svg+xml unparsed). */
const svgText = (req: request.Test) =>
  req
    .buffer(true)
    .parse(binary)
    .then((res) => Object.assign(res, { text: (res.body as Buffer).toString('utf8') }));

const BROWSER_NAVIGATION = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7';
const BROWSER_IMG = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';
const BLUE = [0x25, 0x63, 0xeb];
const RED = [0xdc, 0x26, 0x26];

/** The <title> of an SVG, with the five XML entities decoded. */
const svgTitle = (svg: string) =>
  /<title>([^<]*)<\/title>/
    .exec(svg)?.[1]
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('server-rendered charts', () => {
  it.each(['/chart.png', '/k8s-app-monitor-agent/chart.png', '/k8s-app-monitor-test/chart.png'])('draws %s as an 840×480 PNG with the bars in place', async (path) => {
    const res = await client().get(path).buffer(true).parse(binary).expect(200).expect('Content-Type', 'image/png');
    expect(res.headers['cache-control']).toBe('no-store');
    const png = pngInfo(res.body as Buffer);
    expect(png).toMatchObject({ width: 840, height: 480, bitDepth: 8, colorType: 3 });
    expect(png.chunkTypes).toEqual(['IHDR', 'PLTE', 'IDAT', 'IEND']);
    // SAMPLE: failRatio 25 % fills the right axis (0–25 %); maxLatency 30 of a 0–50 left axis.
    expect(png.pixel(122, 386)).toEqual(RED);
    expect(png.pixel(525, 386)).toEqual(BLUE);
    expect(png.pixel(525, 150)).toEqual([255, 255, 255]);
  });

  it('draws the same chart as SVG, which parses and carries the title as text', async () => {
    const res = await svgText(client().get('/k8s-app-monitor-agent/chart.svg').expect(200).expect('Content-Type', 'image/svg+xml'));
    expect(res.headers['cache-control']).toBe('no-store');
    const svg = res.text;
    expect(svgTitle(svg)).toBe('test-app,test-domain,replica-1');
    expect(svg).toContain('>test-app,test-domain,replica-1</text>');
    for (const label of ['FailRatio', 'FailAmount', 'AccessAmount', 'MaxConcurrent', 'MaxLatency', 'MinLatency', 'AvgLatency']) expect(svg).toContain(`>${label}</text>`);
    const parsed = new Resvg(svg, { font: { loadSystemFonts: false } });
    expect([parsed.width, parsed.height]).toEqual([840, 480]);
  });

  it('keeps a hostile host and domain inert: escaped text, no markup, no control characters', async () => {
    const host = '</text><script>alert(1)</script><a href="javascript:x">"\'&\u0001\u001b';
    const domain = '<foreignObject><iframe src=x></iframe></foreignObject>';
    const hostile: Sample = { ...SAMPLE, host, domain };
    const svg = (
      await svgText(
        client(async () => hostile)
          .get('/chart.svg')
          .expect(200),
      )
    ).text;
    expect(svgTitle(svg)).toBe(`test-app,${domain},${host}`.replace(/[\u0001\u001b]/g, '\ufffd'));
    expect(svg).not.toMatch(/<(script|a|foreignObject|iframe)\b/);
    expect(svg).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    new Resvg(svg, { font: { loadSystemFonts: false } }); // well-formed XML, or this throws
    const png = await client(async () => hostile)
      .get('/chart.png')
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(pngInfo(png.body as Buffer).width).toBe(840);
  });

  it('leaves the MaxLatency bar out and says so when the server does not report it', async () => {
    const { maxLatency: _, ...performance } = SAMPLE.performance_index;
    const svg = (
      await svgText(
        client(async () => ({ ...SAMPLE, host: '', performance_index: performance }))
          .get('/chart.svg')
          .expect(200),
      )
    ).text;
    expect(svg).not.toContain('>MaxLatency</text>');
    expect(svg).toContain('MaxLatency: not reported by this server');
    expect(svgTitle(svg)).toBe('test-app,test-domain');
  });

  it.each([
    [new UpstreamError('connection_refused', 'the metrics service refused the connection'), 502],
    [new UpstreamError('timeout', 'the metrics service did not answer within 2000 ms'), 504],
    [new UpstreamError('unknown_app', 'monitor-test has no app named nope', 404), 404],
  ])('answers %s with a small error image of status %i, or JSON to a client that asks for it', async (error, status) => {
    const png = await client(async () => {
      throw error;
    })
      .get('/chart.png')
      .buffer(true)
      .parse(binary)
      .expect(status)
      .expect('Content-Type', 'image/png');
    expect(pngInfo(png.body as Buffer)).toMatchObject({ width: 480, height: 96 });
    const svg = await svgText(
      client(async () => {
        throw error;
      })
        .get('/chart.svg')
        .expect(status)
        .expect('Content-Type', 'image/svg+xml'),
    );
    expect(svg.text).toContain(`>No chart: ${status}</text>`);
    expect(svg.text).toContain(`>${error.message}</text>`);
    const json = await client(async () => {
      throw error;
    })
      .get('/chart.png')
      .set('Accept', 'application/json')
      .expect(status)
      .expect('Content-Type', /json/);
    expect(json.body.message).toBe(error.message);
  });

  it('hides the details of an unexpected failure in the error image', async () => {
    const svg = await svgText(
      client(async () => {
        throw new Error('secret /etc/path');
      })
        .get('/chart.svg')
        .expect(500),
    );
    expect(svg.text).not.toContain('secret');
    expect(svg.text).toContain('>Internal Server Error</text>');
  });

  it('answers a malformed ?app= with a 400 image, before any upstream call', async () => {
    let calls = 0;
    const res = await svgText(
      client(async () => {
        calls++;
        return SAMPLE;
      })
        .get('/chart.svg?app=%3Cscript%3E')
        .expect(400),
    );
    expect(res.text).toContain('>No chart: 400</text>');
    expect(calls).toBe(0);
  });

  it('passes ?app= to the upstream for the images and the data endpoint', async () => {
    const apps: (string | undefined)[] = [];
    const fetchMetric: UpstreamClient['fetchMetric'] = async (_headers, app) => {
      apps.push(app);
      return { ...SAMPLE, app_name: app ?? SAMPLE.app_name };
    };
    await client(fetchMetric).get('/chart.svg?app=checkout').expect(200);
    const data = await client(fetchMetric).get('/k8s-app-monitor-agent/api/metrics?app=checkout').expect(200);
    await client(fetchMetric).get('/api/metrics').expect(200);
    expect(apps).toEqual(['checkout', 'checkout', undefined]);
    expect(data.body.app_name).toBe('checkout');
    await client(fetchMetric).get('/api/metrics?app=a%2Fb').expect(400);
    // Dot segments: in the upstream URL they would name another path (/metrics/, or above it).
    for (const app of ['.', '..', '%2E%2E', '...']) await client(fetchMetric).get(`/api/metrics?app=${app}`).expect(400);
    expect(apps).toHaveLength(3);
  });
});

describe('content negotiation at the page URLs', () => {
  it.each(['/k8s-app-monitor-agent', '/k8s-app-monitor-agent/', '/k8s-app-monitor-test', '/'])('answers %s with the PNG itself, no redirect, to an image-preferring Accept', async (path) => {
    for (const accept of ['image/png', BROWSER_IMG, 'image/png, text/html;q=0.5']) {
      const res = await client().get(path).set('Accept', accept).buffer(true).parse(binary).expect(200).expect('Content-Type', 'image/png');
      expect(res.headers.location).toBeUndefined();
      expect(res.headers.vary).toMatch(/Accept/);
      expect(pngInfo(res.body as Buffer).width).toBe(840);
    }
  });

  it.each([BROWSER_NAVIGATION, '*/*', 'text/html, image/png'])('still redirects a browser (Accept: %s) to the page', async (accept) => {
    const res = await client().get('/k8s-app-monitor-agent?app=checkout').set('Accept', accept).expect(308);
    expect(res.headers.location).toBe('k8s-app-monitor-agent/?app=checkout');
    const page = await client()
      .get('/k8s-app-monitor-agent/')
      .set('Accept', accept)
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(page.headers.vary).toMatch(/Accept/);
  });
});

describe('the app list', () => {
  it.each(['/api/apps', '/k8s-app-monitor-agent/api/apps'])("serves monitor-test's apps at %s", async (path) => {
    const res = await client().get(path).expect(200).expect('Content-Type', /json/);
    expect(res.body).toEqual({
      apps: [
        { name: 'test-app', domain: 'test-domain' },
        { name: 'checkout', domain: 'shop' },
      ],
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
