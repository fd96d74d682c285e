/** The last three digits of an offset, zero-padded: `000` to `999`. */
const LOW_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * Makes a line's id, `<file tag>-<byte offset>`, as `${tag}-${offset}` would. Turning every
 * offset into a decimal string cost 5 % of bench:tail (issue 16 profile): neighbouring lines
 * share all but their last three digits, so the head (tag and the offset's thousands) is made
 * once per thousand bytes and each line adds its last three digits from a table.
 */
export class LineIds {
  private tag = '';
  private thousands = -1;
  private head = '';

  id(tag: string, offset: number): string {
    if (offset < 1000) return `${tag}-${offset}`;
    const thousands = Math.floor(offset / 1000);
    if (thousands !== this.thousands || tag !== this.tag) {
      this.tag = tag;
      this.thousands = thousands;
      this.head = `${tag}-${thousands}`;
    }
    return this.head + LOW_DIGITS[offset - thousands * 1000]!;
  }
}
