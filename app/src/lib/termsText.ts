/**
 * The human-readable terms of an agreement from its terms URI. Anyone can propose an agreement naming
 * anyone, so the URI is untrusted input: a `data:` URI whose percent-encoding is broken must not throw
 * (decodeURIComponent does) and take the page down with it.
 */
const INLINE = "data:text/plain,";

export interface TermsText {
  /** The text written inline (decoded), or undefined when the terms live elsewhere or cannot be decoded. */
  inline: string | undefined;
  /** What to show: the inline text, or the URI itself. */
  shown: string;
  /** Set when the inline text could not be decoded: it is shown as written. */
  undecodable?: true;
}

export function termsTextOf(uri: string): TermsText {
  if (!uri.startsWith(INLINE)) return { inline: undefined, shown: uri };
  const encoded = uri.slice(INLINE.length);
  try {
    const text = decodeURIComponent(encoded);
    return { inline: text, shown: text };
  } catch {
    return { inline: undefined, shown: encoded, undecodable: true };
  }
}
