/** Discord refused the upload as too large; the caller may post the link instead. */
export class AttachmentTooLargeError extends Error {
  override name = 'AttachmentTooLargeError' as const;
}
