/**
 * The one table of /v2 errors (distribution-spec § Error Codes). Handlers throw; `dispatch` renders
 * `{ errors: [{ code, message, detail }] }` with the status from here. No call site picks a status.
 */
import {
  BlobUnknownError,
  DigestMismatchError,
  RangeMismatchError,
  SizeMismatchError,
  UploadUnknownError,
} from '../content/errors.js';
import { InvalidDigestError } from '../oci/digest.js';
import { InvalidManifestError } from '../oci/manifest.js';
import { InvalidNameError } from '../oci/reference.js';
import { InvalidOffsetError } from '../storage/driver.js';

export const OCI_ERRORS = {
  BLOB_UNKNOWN: { status: 404, message: 'blob unknown to registry' },
  BLOB_UPLOAD_INVALID: { status: 400, message: 'blob upload invalid' },
  BLOB_UPLOAD_UNKNOWN: { status: 404, message: 'blob upload unknown to registry' },
  DIGEST_INVALID: { status: 400, message: 'provided digest did not match uploaded content' },
  MANIFEST_BLOB_UNKNOWN: { status: 404, message: 'manifest references a manifest or blob unknown to registry' },
  MANIFEST_INVALID: { status: 400, message: 'manifest invalid' },
  MANIFEST_UNKNOWN: { status: 404, message: 'manifest unknown to registry' },
  NAME_INVALID: { status: 400, message: 'invalid repository name' },
  NAME_UNKNOWN: { status: 404, message: 'repository name not known to registry' },
  SIZE_INVALID: { status: 400, message: 'provided length did not match content length' },
  UNAUTHORIZED: { status: 401, message: 'authentication required' },
  DENIED: { status: 403, message: 'requested access to the resource is denied' },
  UNSUPPORTED: { status: 405, message: 'the operation is unsupported' },
  TOOMANYREQUESTS: { status: 429, message: 'too many requests' },
  // berth's variants of spec codes, for the cases where the spec prescribes another status.
  RANGE_INVALID: { code: 'BLOB_UPLOAD_INVALID', status: 416, message: 'requested range not satisfiable' },
  MANIFEST_TOO_LARGE: { code: 'MANIFEST_INVALID', status: 413, message: 'manifest too large' },
  BLOB_RANGE_INVALID: { code: 'SIZE_INVALID', status: 416, message: 'requested range not satisfiable' },
  PAGINATION_INVALID: { code: 'UNSUPPORTED', status: 400, message: 'invalid pagination parameter' },
  ROUTE_UNKNOWN: { code: 'UNSUPPORTED', status: 404, message: 'no such endpoint' },
  INTERNAL: { code: 'UNKNOWN', status: 500, message: 'internal error' },
  // The dependency proxy's upstream (Distribution's UNAVAILABLE code for 503).
  UPSTREAM_UNAVAILABLE: { code: 'UNAVAILABLE', status: 503, message: 'the upstream registry is unavailable' },
  UPSTREAM_INVALID: { code: 'UNKNOWN', status: 502, message: 'the upstream registry sent an unusable answer' },
} as const satisfies Record<string, { status: number; message: string; code?: string }>;

export type OciErrorKind = keyof typeof OCI_ERRORS;

export class OciError extends Error {
  constructor(
    readonly kind: OciErrorKind,
    readonly detail?: unknown,
    /** A message more precise than the table's, for the client. */
    message?: string,
    /** Extra response headers (the Bearer challenge of a 401). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message ?? OCI_ERRORS[kind].message);
  }

  get status(): number {
    return OCI_ERRORS[this.kind].status;
  }

  get code(): string {
    const entry = OCI_ERRORS[this.kind];
    return 'code' in entry ? entry.code : this.kind;
  }

  toJSON() {
    return { errors: [{ code: this.code, message: this.message, detail: this.detail ?? null }] };
  }
}

/** Maps errors from the layers below to their OCI error; anything unknown is an internal error. */
export function toOciError(err: unknown): OciError {
  if (err instanceof OciError) return err;
  if (err instanceof InvalidNameError)
    return new OciError('NAME_INVALID', { name: err.input, rule: err.reason }, err.message);
  if (err instanceof InvalidDigestError) return new OciError('DIGEST_INVALID', { digest: err.input }, err.message);
  if (err instanceof InvalidManifestError) return new OciError('MANIFEST_INVALID', undefined, err.message);
  if (err instanceof BlobUnknownError) return new OciError('BLOB_UNKNOWN', { digest: err.digest });
  if (err instanceof UploadUnknownError) return new OciError('BLOB_UPLOAD_UNKNOWN', { uuid: err.id });
  if (err instanceof DigestMismatchError) {
    return new OciError('DIGEST_INVALID', { expected: err.expected, actual: err.actual }, err.message);
  }
  if (err instanceof RangeMismatchError)
    return new OciError('RANGE_INVALID', { expectedStart: err.expectedStart }, err.message);
  if (err instanceof SizeMismatchError) return new OciError('SIZE_INVALID', undefined, err.message);
  if (err instanceof InvalidOffsetError)
    return new OciError('BLOB_UPLOAD_INVALID', undefined, 'staged upload data is missing');
  return new OciError('INTERNAL');
}
