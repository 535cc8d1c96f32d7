import { describe, expect, it } from 'vitest';
import { redactUrl } from './log-redaction.ts';

describe('redactUrl', () => {
  it('hides signatures and tokens, keeps the rest', () => {
    expect(redactUrl('/files/asset_1?expires=99&signature=abcDEF_-')).toBe(
      '/files/asset_1?expires=99&signature=[redacted]',
    );
    expect(redactUrl('/x?SIGNATURE=a&b=1')).toBe('/x?SIGNATURE=[redacted]&b=1');
    expect(redactUrl('/x?X-Amz-Signature=a&X-Amz-Credential=b%2Fc')).toBe(
      '/x?X-Amz-Signature=[redacted]&X-Amz-Credential=[redacted]',
    );
    expect(redactUrl('/api/v1/generations?limit=5')).toBe('/api/v1/generations?limit=5');
  });
});
