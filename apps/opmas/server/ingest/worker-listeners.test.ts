import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { buildTestApp } from '@platform/testing';
import { opmasApp } from '../opmas.app.ts';

// spec 02-opmas "Architecture" / `OPMAS_INGEST_WORKER`: sockets in a worker thread by default, on the main thread
// when switched off; both hosts bind, report their ports and feed the same pipeline.
for (const worker of ['true', 'false']) {
  test(`OPMAS_INGEST_WORKER=${worker}: UDP lines arrive and the listener reports its port`, async (t) => {
    const platform = await buildTestApp({
      apps: [opmasApp],
      startBackground: true,
      env: {
        OPMAS_INGEST_WORKER: worker,
        OPMAS_SYSLOG_HOST: '127.0.0.1',
        OPMAS_SYSLOG_UDP_PORT: '0',
        OPMAS_SYSLOG_TCP_PORT: 'off',
      },
    });
    t.after(() => platform.close());
    const admin = await platform.createUser('opmas-worker-admin', ['admin']);
    const status = async () =>
      (await platform.app.inject({ url: '/opmas/api/v1/logs/status', headers: admin.headers })).json();
    const [udp] = (await status()).listeners;
    assert.deepEqual([udp.transport, udp.bound, udp.port > 0], ['udp', true, true]);
    const socket = createSocket('udp4');
    t.after(() => socket.close());
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve, reject) =>
        socket.send(`<13>Mar 19 10:00:0${i} ap-worker app: line ${i}`, udp.port, '127.0.0.1', (error) =>
          error ? reject(error) : resolve(),
        ),
      );
    }
    let accepted = 0;
    for (const deadline = Date.now() + 5000; accepted < 5 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      accepted = (await status()).transports.udp.accepted;
    }
    assert.equal(accepted, 5);
  });
}
