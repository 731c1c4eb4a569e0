/** Content-layer errors. They carry no HTTP: `registry/errors.ts` maps them to OCI error codes. */

export class BlobUnknownError extends Error {
  constructor(readonly digest: string) {
    super(`blob unknown: ${digest}`);
  }
}

export class UploadUnknownError extends Error {
  constructor(readonly id: string) {
    super(`upload unknown: ${id}`);
  }
}

/** The bytes received do not hash to the digest the client named. */
export class DigestMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`digest mismatch: the client named ${expected} but the content hashes to ${actual}`);
  }
}

/** A chunk that does not start where the upload currently ends. */
export class RangeMismatchError extends Error {
  constructor(
    readonly expectedStart: number,
    readonly gotStart: number,
  ) {
    super(
      `chunk starts at byte ${gotStart}, but the upload has ${expectedStart} bytes: send the chunk at ${expectedStart}`,
    );
  }
}

/** Content-Length or Content-Range disagree with the bytes received. */
export class SizeMismatchError extends Error {}
