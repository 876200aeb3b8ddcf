/**
 * The baseline: a bare Fastify server that reads the body and answers Tencent's fixed OK body,
 * with the relay's body limit and keep-alive. The relay's throughput is reported against it.
 * Usage: PORT=3100 node bench/baseline-server.ts (prints "listening <url>" when ready).
 */
import Fastify from 'fastify';

const OK_BODY = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';

const app = Fastify({ bodyLimit: 1024 * 1024, keepAliveTimeout: 65_000 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
app.post('/webhooks/tencent/live', async (_request, reply) => {
  await reply.code(200).header('content-type', 'application/json; charset=utf-8').send(OK_BODY);
});

const url = await app.listen({ port: Number(process.env.PORT ?? 3100), host: '127.0.0.1' });
process.stdout.write(`listening ${url}\n`);
process.on('SIGTERM', () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
