import Fastify from 'fastify';
import { registerConsole } from '../packages/hub/src/http/console.js';
const app = Fastify();
app.setNotFoundHandler((req, reply) => reply.status(404).send({ code: 'not_found' }));
await registerConsole(app, '/work/main/packages/console/dist/');
for (const url of ['/assets/../../etc/passwd', '/assets/%2e%2e/%2e%2e/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2f..%2fpackage.json', '/..%2f..%2fpackage.json', '/favicon.svg']) {
  const r = await app.inject({ url });
  console.log(url, r.statusCode, r.body.slice(0, 60).replace(/\n/g, ' '));
}
await app.close();
