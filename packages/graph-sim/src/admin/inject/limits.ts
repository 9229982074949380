/** Graph's limit on the size of one message (attachments and text together). */
export const MAX_MESSAGE_BYTES = 150 * 1024 * 1024;

/** An inject body that would make a message over Graph's limit (answered 413). */
export class MessageTooLargeError extends Error {
  constructor() {
    super(`message over ${MAX_MESSAGE_BYTES / 1024 / 1024} MB, Graph's limit`);
  }
}

/** An inject body that is not what the admin API takes (answered 400; the message names the field). */
export class InjectBodyError extends Error {}
