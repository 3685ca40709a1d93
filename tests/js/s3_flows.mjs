// S3 flows of a real application against `strata serve`, with the AWS SDK for
// JavaScript v3 at its defaults (CRC32 request checksums, aws-chunked bodies
// with trailers for streams), path-style addressing. Each step asserts what S3
// promises and prints "ok - STEP"; the first failure prints "not ok - STEP"
// with the error and exits 1. Run by tests/s3_js_sdk_test.sh:
//
//   S3_ENDPOINT=http://127.0.0.1:PORT S3_ACCESS_KEY=... S3_SECRET_KEY=... node s3_flows.mjs
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

const MiB = 1024 * 1024;
const endpoint = required('S3_ENDPOINT');
const accessKeyId = required('S3_ACCESS_KEY');
const secretAccessKey = required('S3_SECRET_KEY');

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`s3_flows.mjs: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

// ------------------------------------------------------------------ helpers

// Every request the SDK sends, as it goes on the wire (after signing and the
// checksum middleware), so steps can assert how a body was framed.
const sentRequests = [];

function newClient(secret) {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey: secret },
    maxAttempts: 1, // a server error is a finding, not something to retry past
  });
  client.middlewareStack.add(
    (next) => async (args) => {
      sentRequests.push({ method: args.request.method, path: args.request.path, headers: { ...args.request.headers } });
      return next(args);
    },
    { step: 'deserialize', name: 'recordSentRequests', priority: 'low' },
  );
  return client;
}

const s3 = newClient(secretAccessKey);

function lastSent(method, pathSuffix) {
  const want = pathSuffix.replace(/\/$/, '');
  for (let i = sentRequests.length - 1; i >= 0; --i) {
    const r = sentRequests[i];
    if (r.method === method && decodeURIComponent(r.path).replace(/\/$/, '').endsWith(want)) return r;
  }
  assert.fail(`no ${method} request to ...${pathSuffix} was recorded`);
}

let passed = 0;
async function step(name, fn) {
  try {
    await fn();
  } catch (err) {
    console.log(`not ok - ${name}`);
    console.log(describeError(err));
    console.log(`s3_flows.mjs: ${passed} steps passed, 1 failed`);
    process.exit(1);
  }
  passed += 1;
  console.log(`ok - ${name}`);
}

function describeError(err) {
  const lines = [`  ${err && err.stack ? err.stack.split('\n').slice(0, 6).join('\n  ') : String(err)}`];
  if (err && err.$metadata) {
    lines.push(`  S3 error: name=${err.name} status=${err.$metadata.httpStatusCode} requestId=${err.$metadata.requestId}`);
    if (err.$response && err.$response.body && typeof err.$response.body === 'string') {
      lines.push(`  body: ${err.$response.body}`);
    }
  }
  return lines.join('\n');
}

// Runs `fn`, which must fail with S3 error `code` and HTTP status `status`.
async function expectS3Error(code, status, fn) {
  let caught;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `expected ${code} (${status}), but the request succeeded`);
  assert.equal(caught.name, code, `expected error ${code}, got ${caught.name}: ${caught.message}`);
  assert.equal(caught.$metadata?.httpStatusCode, status, `${code}: expected HTTP ${status}`);
  return caught;
}

async function bodyBytes(response) {
  return Buffer.from(await response.Body.transformToByteArray());
}

async function bodySha256(response) {
  const hash = createHash('sha256');
  let length = 0;
  for await (const chunk of response.Body) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { sha256: hash.digest('hex'), length };
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const md5 = (data) => createHash('md5').update(data).digest('hex');

// CRC32 (IEEE 802.3, the one S3 calls CRC32), big-endian and base64 as S3 sends it.
const crcTable = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; ++n) {
    let c = n;
    for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();
function crc32Update(state, data) {
  let c = state;
  for (let i = 0; i < data.length; ++i) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return c;
}
function crc32Bytes(state) {
  const out = Buffer.alloc(4);
  out.writeUInt32BE((state ^ 0xffffffff) >>> 0);
  return out;
}
const crc32Base64 = (data) => crc32Bytes(crc32Update(0xffffffff, data)).toString('base64');

// A stream of `size` bytes in 1 MiB pieces, each hashed as it is produced, so
// a large upload is never held in memory whole; partCrcs gets the CRC32 of
// every `partSize` bytes (partSize a multiple of 1 MiB).
function generatedStream(size, hash, partSize, partCrcs) {
  let left = size;
  let offset = 0;
  let crc = 0xffffffff;
  return Readable.from(
    (function* () {
      while (left > 0) {
        const piece = randomBytes(Math.min(MiB, left));
        left -= piece.length;
        offset += piece.length;
        hash.update(piece);
        crc = crc32Update(crc, piece);
        if (offset % partSize === 0 || left === 0) {
          partCrcs.push(crc32Bytes(crc));
          crc = 0xffffffff;
        }
        yield piece;
      }
    })(),
  );
}

// ------------------------------------------------------------------ the flows

const bucket = `js-sdk-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const small = Buffer.from('hello from the AWS SDK for JavaScript\n'.repeat(3));
const streamed = randomBytes(3 * MiB + 17); // crosses 1 MiB unit boundaries
let smallChecksum = '';

await step(`CreateBucket ${bucket}; ListBuckets and HeadBucket see it`, async () => {
  const created = await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  assert.equal(created.$metadata.httpStatusCode, 200);
  const listed = await s3.send(new ListBucketsCommand({}));
  assert.ok(listed.Buckets.some((b) => b.Name === bucket), `ListBuckets lacks ${bucket}`);
  const head = await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  assert.equal(head.$metadata.httpStatusCode, 200);
});

await step('PutObject small (SDK default CRC32 checksum) and its ETag and checksum', async () => {
  const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'small.txt', Body: small }));
  const sent = lastSent('PUT', '/small.txt');
  const algorithm = sent.headers['x-amz-sdk-checksum-algorithm'] ?? sent.headers['x-amz-checksum-algorithm'];
  assert.ok(
    sent.headers['x-amz-checksum-crc32'] || sent.headers['x-amz-trailer'] === 'x-amz-checksum-crc32',
    `the SDK sent no CRC32 checksum (defaults changed?): ${JSON.stringify(sent.headers)}; algorithm ${algorithm}`,
  );
  assert.equal(put.ETag, `"${md5(small)}"`, 'ETag of a single PUT is the MD5 of the body');
  smallChecksum = crc32Base64(small);
  assert.equal(put.ChecksumCRC32, smallChecksum, 'PutObject returns the CRC32 of the body');
});

await step('PutObject streamed (aws-chunked body, CRC32 in a trailer) reads back identical', async () => {
  const put = await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'dir/streamed.bin',
      Body: Readable.from([streamed.subarray(0, MiB), streamed.subarray(MiB)]),
      ContentLength: streamed.length,
    }),
  );
  const sent = lastSent('PUT', '/dir/streamed.bin');
  assert.match(sent.headers['content-encoding'] ?? '', /aws-chunked/, `not aws-chunked: ${JSON.stringify(sent.headers)}`);
  assert.equal(sent.headers['x-amz-trailer'], 'x-amz-checksum-crc32');
  assert.equal(sent.headers['x-amz-decoded-content-length'], String(streamed.length));
  assert.equal(put.ETag, `"${md5(streamed)}"`);
  assert.equal(put.ChecksumCRC32, crc32Base64(streamed));
  const got = await bodyBytes(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/streamed.bin' })));
  assert.equal(got.length, streamed.length);
  assert.ok(got.equals(streamed), 'streamed object reads back different bytes');
});

const meta = { project: 'strata', 'mixed-case-name': 'Value With Spaces' };
await step('PutObject with user metadata and Content-Type; HeadObject returns them', async () => {
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: 'meta.txt',
      Body: small,
      ContentType: 'application/x-strata-test',
      Metadata: meta,
    }),
  );
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta.txt' }));
  assert.deepEqual(head.Metadata, meta);
  assert.equal(head.ContentType, 'application/x-strata-test');
  assert.equal(head.ContentLength, small.length);
  assert.equal(head.ETag, `"${md5(small)}"`);
  assert.ok(head.LastModified instanceof Date && Math.abs(head.LastModified - Date.now()) < 10 * 60 * 1000,
    `LastModified ${head.LastModified} is not about now`);
});

await step('GetObject whole: body, length, ETag, metadata', async () => {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'meta.txt' }));
  assert.equal(got.$metadata.httpStatusCode, 200);
  assert.equal(got.ContentLength, small.length);
  assert.equal(got.ETag, `"${md5(small)}"`);
  assert.deepEqual(got.Metadata, meta);
  assert.ok((await bodyBytes(got)).equals(small));
});

await step('GetObject Range: bytes=a-b across a 1 MiB boundary, open-ended and suffix ranges', async () => {
  const n = streamed.length;
  const cases = [
    [`bytes=${MiB - 10}-${MiB + 9}`, MiB - 10, MiB + 10],
    ['bytes=0-0', 0, 1],
    [`bytes=${n - 100}-`, n - 100, n],
    ['bytes=-7', n - 7, n],
    [`bytes=-${n + 50}`, 0, n], // a suffix longer than the object is the whole object
    [`bytes=${n - 5}-${n + 1000}`, n - 5, n], // an end past the object is clamped
  ];
  for (const [range, start, end] of cases) {
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/streamed.bin', Range: range }));
    assert.equal(got.$metadata.httpStatusCode, 206, `${range}: status`);
    assert.equal(got.ContentRange, `bytes ${start}-${end - 1}/${n}`, `${range}: Content-Range`);
    assert.equal(got.ContentLength, end - start, `${range}: Content-Length`);
    const body = await bodyBytes(got);
    assert.ok(body.equals(streamed.subarray(start, end)), `${range}: wrong bytes`);
  }
  await expectS3Error('InvalidRange', 416, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'dir/streamed.bin', Range: `bytes=${n}-` })),
  );
});

await step('HeadObject: size, ETag, Accept-Ranges', async () => {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dir/streamed.bin' }));
  assert.equal(head.ContentLength, streamed.length);
  assert.equal(head.ETag, `"${md5(streamed)}"`);
  assert.equal(head.AcceptRanges, 'bytes');
});

await step('CopyObject, MetadataDirective COPY: same bytes, metadata and Content-Type', async () => {
  const copied = await s3.send(
    new CopyObjectCommand({ Bucket: bucket, Key: 'copies/meta-copy.txt', CopySource: `${bucket}/meta.txt` }),
  );
  assert.equal(copied.CopyObjectResult.ETag, `"${md5(small)}"`);
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copies/meta-copy.txt' }));
  assert.deepEqual(got.Metadata, meta);
  assert.equal(got.ContentType, 'application/x-strata-test');
  assert.ok((await bodyBytes(got)).equals(small));
});

await step('CopyObject, MetadataDirective REPLACE: same bytes, only the new metadata', async () => {
  await s3.send(
    new CopyObjectCommand({
      Bucket: bucket,
      Key: 'copies/meta-replaced.txt',
      CopySource: `${bucket}/meta.txt`,
      MetadataDirective: 'REPLACE',
      Metadata: { replaced: 'yes' },
      ContentType: 'text/plain',
    }),
  );
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'copies/meta-replaced.txt' }));
  assert.deepEqual(got.Metadata, { replaced: 'yes' });
  assert.equal(got.ContentType, 'text/plain');
  assert.ok((await bodyBytes(got)).equals(small));
  // The source is unchanged.
  const source = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'meta.txt' }));
  assert.deepEqual(source.Metadata, meta);
});

const listKeys = ['list/a.txt', 'list/b.txt', 'list/dir1/x.txt', 'list/dir1/y.txt', 'list/dir2/z.txt'];
await step('ListObjectsV2: Prefix and Delimiter give keys and common prefixes', async () => {
  for (const key of listKeys) {
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(key) }));
  }
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', Delimiter: '/' }));
  assert.deepEqual(listed.Contents.map((o) => o.Key), ['list/a.txt', 'list/b.txt']);
  assert.deepEqual(listed.CommonPrefixes.map((p) => p.Prefix), ['list/dir1/', 'list/dir2/']);
  assert.equal(listed.KeyCount, 4);
  assert.equal(listed.IsTruncated, false);
  const a = listed.Contents[0];
  assert.equal(a.Size, 'list/a.txt'.length);
  assert.equal(a.ETag, `"${md5('list/a.txt')}"`);
  const top = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/' }));
  assert.deepEqual(top.Contents.map((o) => o.Key), ['meta.txt', 'small.txt']);
  assert.deepEqual(top.CommonPrefixes.map((p) => p.Prefix), ['copies/', 'dir/', 'list/']);
});

await step('ListObjectsV2 pagination: MaxKeys 2 over 5 keys gives pages of 2, 2, 1', async () => {
  const pages = [];
  let token;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', MaxKeys: 2, ContinuationToken: token }),
    );
    pages.push(page);
    assert.ok(pages.length <= 5, 'pagination does not end');
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (page.IsTruncated) assert.ok(token, 'a truncated page without NextContinuationToken');
  } while (token);
  assert.deepEqual(pages.map((p) => (p.Contents ?? []).map((o) => o.Key)), [
    ['list/a.txt', 'list/b.txt'],
    ['list/dir1/x.txt', 'list/dir1/y.txt'],
    ['list/dir2/z.txt'],
  ]);
  assert.deepEqual(pages.map((p) => p.KeyCount), [2, 2, 1]);
  assert.deepEqual(pages.map((p) => p.IsTruncated), [true, true, false]);
  // StartAfter skips keys up to and including it.
  const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', StartAfter: 'list/dir1/x.txt' }));
  assert.deepEqual(after.Contents.map((o) => o.Key), ['list/dir1/y.txt', 'list/dir2/z.txt']);
  // With a delimiter, common prefixes count toward MaxKeys too.
  const seen = [];
  token = undefined;
  let delimitedPages = 0;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/', Delimiter: '/', MaxKeys: 1, ContinuationToken: token }),
    );
    ++delimitedPages;
    assert.ok(delimitedPages <= 5, 'delimited pagination does not end');
    const entries = [...(page.Contents ?? []).map((o) => o.Key), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix)];
    assert.equal(entries.length, 1, `a MaxKeys 1 page holds ${JSON.stringify(entries)}`);
    seen.push(...entries);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  assert.deepEqual(seen, ['list/a.txt', 'list/b.txt', 'list/dir1/', 'list/dir2/']);
});

await step('DeleteObjects: five keys and a missing one all reported deleted; the prefix is empty', async () => {
  const keys = [...listKeys, 'list/never-existed'];
  const deleted = await s3.send(
    new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })) } }),
  );
  assert.deepEqual((deleted.Deleted ?? []).map((d) => d.Key).sort(), [...keys].sort());
  assert.deepEqual(deleted.Errors ?? [], []);
  const sent = lastSent('POST', `/${bucket}`);
  assert.ok(sent.headers['x-amz-checksum-crc32'] || sent.headers['content-md5'], 'DeleteObjects carried no checksum');
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'list/' }));
  assert.equal(listed.KeyCount, 0);
  assert.equal(listed.Contents, undefined);
});

const bigSize = 20 * MiB + 12345;
let bigSha = '';
const bigPartCrcs = [];
await step('multipart upload of ~20 MiB (lib-storage Upload, 5 MiB parts) reads back with the same SHA-256', async () => {
  const hash = createHash('sha256');
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: 'big/multipart.bin', Body: generatedStream(bigSize, hash, 5 * MiB, bigPartCrcs) },
    partSize: 5 * MiB,
    queueSize: 4,
    leavePartsOnError: false,
  });
  const done = await upload.done();
  bigSha = hash.digest('hex');
  assert.match(done.ETag, /^"[0-9a-f]{32}-5"$/, `a 5-part upload's ETag is md5-5, got ${done.ETag}`);
  const parts = sentRequests.filter((r) => r.method === 'PUT' && decodeURIComponent(r.path).endsWith('/big/multipart.bin'));
  assert.equal(parts.length, 5, 'expected five UploadPart requests');
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'big/multipart.bin' }));
  assert.equal(head.ContentLength, bigSize);
  const got = await bodySha256(await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big/multipart.bin' })));
  assert.equal(got.length, bigSize);
  assert.equal(got.sha256, bigSha, 'multipart object reads back different bytes');
});

await step('GetObject with ChecksumMode ENABLED: CRC32 returned and validated by the SDK', async () => {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'small.txt', ChecksumMode: 'ENABLED' }));
  assert.equal(got.ChecksumCRC32, smallChecksum, 'the stored CRC32 comes back with checksum mode');
  assert.ok((await bodyBytes(got)).equals(small)); // the SDK throws here on a mismatch
  const big = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'big/multipart.bin', ChecksumMode: 'ENABLED' }));
  const read = await bodySha256(big);
  assert.equal(read.sha256, bigSha);
  // A multipart object's checksum is the composite one: the CRC32 of the parts' CRC32s, "-5".
  assert.equal(bigPartCrcs.length, 5);
  assert.equal(big.ChecksumCRC32, `${crc32Base64(Buffer.concat(bigPartCrcs))}-5`, 'composite CRC32 of the parts');
});

await step('presigned GET URL fetched with fetch(); a tampered one refused', async () => {
  const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'dir/streamed.bin' }), {
    expiresIn: 300,
  });
  assert.match(url, /X-Amz-Signature=/);
  const response = await fetch(url);
  assert.equal(response.status, 200, `presigned GET: ${response.status} ${await response.clone().text()}`);
  const body = Buffer.from(await response.arrayBuffer());
  assert.ok(body.equals(streamed), 'presigned GET returned different bytes');
  const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (m, c) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
  const refused = await fetch(tampered);
  const text = await refused.text();
  assert.equal(refused.status, 403, `tampered presigned URL: ${refused.status} ${text}`);
  assert.match(text, /<Code>SignatureDoesNotMatch<\/Code>/);
});

await step('a wrong secret key is refused with SignatureDoesNotMatch (GET and PUT), nothing written', async () => {
  const wrong = newClient(secretAccessKey.slice(0, -1) + (secretAccessKey.endsWith('x') ? 'y' : 'x'));
  await expectS3Error('SignatureDoesNotMatch', 403, () => wrong.send(new GetObjectCommand({ Bucket: bucket, Key: 'small.txt' })));
  await expectS3Error('SignatureDoesNotMatch', 403, () =>
    wrong.send(new PutObjectCommand({ Bucket: bucket, Key: 'forged.txt', Body: 'forged' })),
  );
  await expectS3Error('SignatureDoesNotMatch', 403, () => wrong.send(new ListObjectsV2Command({ Bucket: bucket })));
  await expectS3Error('NotFound', 404, () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'forged.txt' })));
});

await step('a missing key: GetObject NoSuchKey (404), HeadObject 404, missing bucket NoSuchBucket', async () => {
  const err = await expectS3Error('NoSuchKey', 404, () =>
    s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'no/such/key' })),
  );
  assert.ok(err.$metadata.requestId || err.RequestId, 'an error without a request id');
  await expectS3Error('NotFound', 404, () => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'no/such/key' })));
  await expectS3Error('NoSuchBucket', 404, () =>
    s3.send(new GetObjectCommand({ Bucket: `${bucket}-missing`, Key: 'small.txt' })),
  );
});

await step('DeleteBucket on a non-empty bucket: BucketNotEmpty (409); emptied, it goes', async () => {
  await expectS3Error('BucketNotEmpty', 409, () => s3.send(new DeleteBucketCommand({ Bucket: bucket })));
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.ok(listed.KeyCount > 0, 'the bucket was emptied by a refused DeleteBucket');
  for (const object of listed.Contents) {
    const deleted = await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
    assert.equal(deleted.$metadata.httpStatusCode, 204);
  }
  const gone = await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  assert.equal(gone.$metadata.httpStatusCode, 204);
  await expectS3Error('NotFound', 404, () => s3.send(new HeadBucketCommand({ Bucket: bucket })));
});

console.log(`s3_flows.mjs: ${passed} steps passed, 0 failed`);
