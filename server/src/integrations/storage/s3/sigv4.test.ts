import { describe, expect, it } from 'vitest';
import { EMPTY_SHA256, signRequest, uriEncode } from './sigv4.js';

describe('SigV4 signing', () => {
  // AWS's worked example "GET Object" (sig-v4-header-based-auth.html): a range request for
  // examplebucket/test.txt on 2013-05-24 with the documentation's example credentials.
  it('reproduces the signature of AWS’s GetObject example', () => {
    const headers = signRequest(
      { method: 'GET', url: new URL('https://examplebucket.s3.amazonaws.com/test.txt'), headers: { Range: 'bytes=0-9' }, payloadHash: EMPTY_SHA256, now: new Date('2013-05-24T00:00:00Z') },
      { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', region: 'us-east-1' },
    );
    expect(headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    );
    expect(headers['x-amz-date']).toBe('20130524T000000Z');
    expect(headers['x-amz-content-sha256']).toBe(EMPTY_SHA256);
    expect(headers).not.toHaveProperty('host');
  });

  it('encodes path segments the RFC 3986 way', () => {
    expect(uriEncode("a b+c!*'()~._-")).toBe('a%20b%2Bc%21%2A%27%28%29~._-');
  });
});
