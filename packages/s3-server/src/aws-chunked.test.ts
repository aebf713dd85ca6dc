import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { AwsChunkedDecoder } from './aws-chunked.ts';
import { type AuthContext, deriveSigningKey } from './sigv4.ts';

interface ChunkedVector {
  name: string;
  seedSignature?: string;
  chunkSignatures?: { size: number; signature: string }[];
  rawBody?: string;
  decodedBody?: string;
}

function loadFixture(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'sigv4-vectors.json'), 'utf8')) as {
    credentials: { secretAccessKey: string; amzDate: string; scope: string };
    vectors: ChunkedVector[];
  };
}

/** Feeds the body in awkward 7-byte pieces so chunk headers straddle reads. */
async function decode(decoder: AwsChunkedDecoder, body: Buffer): Promise<Buffer> {
  const pieces = [];
  for (let offset = 0; offset < body.length; offset += 7) pieces.push(body.subarray(offset, offset + 7));
  const collected: Buffer[] = [];
  await pipeline(Readable.from(pieces), decoder, async (source) => {
    for await (const chunk of source) collected.push(chunk as Buffer);
  });
  return Buffer.concat(collected);
}

function signedBody(vector: ChunkedVector, signatures = vector.chunkSignatures!.map((chunk) => chunk.signature)) {
  return Buffer.concat(
    vector.chunkSignatures!.map((chunk, index) =>
      Buffer.concat([
        Buffer.from(`${chunk.size.toString(16)};chunk-signature=${signatures[index]}\r\n`),
        Buffer.alloc(chunk.size, 'a'),
        Buffer.from('\r\n'),
      ]),
    ),
  );
}

test('AWS streaming example: chunk signatures chain from the seed and the payload decodes', async (t) => {
  const dir = sharedData(t, 'odh-tec', 's3');
  if (!dir) return;
  const fixture = loadFixture(dir);
  const vector = fixture.vectors.find((candidate) => candidate.name === 'chunked-put')!;
  const [date, region, service] = fixture.credentials.scope.split('/');
  const auth: AuthContext = {
    accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
    signingKey: deriveSigningKey(fixture.credentials.secretAccessKey, date, region, service),
    amzDate: fixture.credentials.amzDate,
    scope: fixture.credentials.scope,
    signature: vector.seedSignature!,
    payloadHash: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  };
  const body = signedBody(vector);
  assert.equal(body.length, 66824);
  const decoded = await decode(new AwsChunkedDecoder({ auth, decodedLength: 66560 }), body);
  assert.deepEqual(decoded, Buffer.alloc(66560, 'a'));

  const signatures = vector.chunkSignatures!.map((chunk) => chunk.signature);
  signatures[1] = signatures[1].replace(/^./, (c) => (c === '0' ? '1' : '0'));
  await assert.rejects(decode(new AwsChunkedDecoder({ auth }), signedBody(vector, signatures)), {
    code: 'SignatureDoesNotMatch',
  });
  await assert.rejects(decode(new AwsChunkedDecoder({ auth }), body.subarray(0, 1000)), { code: 'IncompleteBody' });
  await assert.rejects(decode(new AwsChunkedDecoder({ auth, decodedLength: 5 }), body), { code: 'IncompleteBody' });
});

test('the SDK unsigned-trailer body decodes to exactly its payload and exposes the CRC32 trailer', async (t) => {
  const dir = sharedData(t, 'odh-tec', 's3');
  if (!dir) return;
  const vector = loadFixture(dir).vectors.find((candidate) => candidate.name === 'unsigned-trailer-crc32')!;
  const decoder = new AwsChunkedDecoder({ decodedLength: 9 });
  const decoded = await decode(decoder, Buffer.from(vector.rawBody!));
  assert.equal(decoded.toString(), vector.decodedBody);
  assert.equal(decoder.trailers.get('x-amz-checksum-crc32'), 'PQ7dvA==');
});

test('malformed chunk sizes are rejected', async () => {
  await assert.rejects(decode(new AwsChunkedDecoder(), Buffer.from('zz\r\nabc\r\n0\r\n\r\n')), {
    code: 'IncompleteBody',
  });
  await assert.rejects(decode(new AwsChunkedDecoder(), Buffer.from('3\r\nabcX\r\n0\r\n\r\n')), {
    code: 'IncompleteBody',
  });
});
