/** rclone's default S3 part size: 5 MiB. */
export const S3_DEFAULT_CHUNK_BYTES = 5 * 1024 * 1024;

/** S3 allows at most this many parts in one multipart upload. */
export const S3_MAX_PARTS = 10_000;

/** S3's largest part: 5 GiB. */
export const S3_MAX_CHUNK_BYTES = 5 * 1024 * 1024 * 1024;

/**
 * The `--s3-chunk-size` a stream of about `estimatedBytes` needs: a streamed upload to S3 has no
 * length, so rclone cuts it into parts of the chunk size, and S3 allows 10,000 parts, which caps a
 * stream at 48.8 GiB with the 5 MiB default. Leaves room for a dump twice the estimate (the
 * estimate is the database's size, and a text dump can be larger), rounds up to whole MiB and
 * returns the flag value (`"11M"`), or `undefined` when the default is enough or nothing is known.
 * rclone holds `chunk size × --s3-upload-concurrency` (4) in memory per upload.
 */
export function s3ChunkSize(estimatedBytes: number | undefined): string | undefined {
  if (estimatedBytes === undefined || !Number.isFinite(estimatedBytes) || estimatedBytes <= 0)
    return undefined;
  const needed = Math.ceil((estimatedBytes * 2) / S3_MAX_PARTS);
  if (needed <= S3_DEFAULT_CHUNK_BYTES) return undefined;
  const mebibytes = Math.ceil(Math.min(needed, S3_MAX_CHUNK_BYTES) / (1024 * 1024));
  return `${mebibytes}M`;
}
