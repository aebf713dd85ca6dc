// Standalone server: `node packages/s3-server/bin.ts --dir <data dir> [--port 9000] [--host 127.0.0.1]
// [--bucket name]...`; credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
import { parseArgs } from 'node:util';
import { startS3Server } from './src/s3-server.ts';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string', default: '9000' },
    host: { type: 'string', default: '127.0.0.1' },
    region: { type: 'string', default: process.env.AWS_DEFAULT_REGION ?? 'us-east-1' },
    bucket: { type: 'string', multiple: true, default: [] },
  },
});
const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
if (!values.dir || !accessKeyId || !secretAccessKey) {
  console.error(
    'usage: AWS_ACCESS_KEY_ID=… AWS_SECRET_ACCESS_KEY=… node bin.ts --dir <dir> [--port 9000] [--bucket b]',
  );
  process.exit(2);
}
const server = await startS3Server({
  dir: values.dir,
  host: values.host,
  port: Number(values.port),
  region: values.region,
  credentials: [{ accessKeyId, secretAccessKey }],
  buckets: values.bucket,
});
console.log(`s3-server listening on ${server.url} (data in ${values.dir})`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void server.close());
