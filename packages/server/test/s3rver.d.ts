declare module '@20minutes/s3rver' {
  import type { AddressInfo } from 'node:net';

  /** The options of @20minutes/s3rver used by the tests. */
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    configureBuckets?: { name: string; configs: (string | Buffer)[] }[];
  }

  /** A local S3-compatible server (Koa based) that checks SigV4 signatures. */
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}
