/** Largest message or memory content accepted, in UTF-8 bytes. */
export const MAX_CONTENT_BYTES = 64 * 1024;
/** Largest serialised metadata object accepted, in UTF-8 bytes. */
export const MAX_METADATA_BYTES = 16 * 1024;
/** Largest short text field (titles, reasons, option names), in characters. */
export const MAX_TITLE_CHARS = 500;
/** Largest free-text field other than content (details, results, reasons), in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 16 * 1024;
