export interface OutgoingFile {
  name: string;
  data: Uint8Array;
  contentType: string;
}

export interface OutgoingMessage {
  content: string;
  file?: OutgoingFile | undefined;
}

/** The message's file as the `files` of a Discord REST call, or none. */
export const toFiles = (message: OutgoingMessage) =>
  message.file
    ? [
        {
          name: message.file.name,
          data: message.file.data,
          contentType: message.file.contentType,
        },
      ]
    : undefined;

/** The `attachments` body field that goes with `toFiles`. */
export const attachments = (message: OutgoingMessage) =>
  message.file ? [{ id: 0, filename: message.file.name }] : [];
