/**
 * Part of the Elasticsearch TEST DOUBLE (elasticsearch-standin.ts): what a dynamic mapping does
 * with a new document. The first value seen for a field fixes its type; a later document whose
 * value clashes is refused with a 400 item, as a real mapping would.
 */

type Doc = Record<string, unknown>;
type FieldType = 'object' | 'number' | 'string' | 'boolean';

export class DynamicMapping {
  /** `index\0field.path` → the type the first document gave it. */
  private readonly fieldTypes = new Map<string, FieldType>();

  /** What a dynamic mapping would refuse: object vs value, or a non-numeric string in a number field. */
  clash(index: string, value: unknown, path = ''): string | undefined {
    if (path !== '') {
      const known = this.fieldTypes.get(`${index}\0${path}`);
      const t = typeOf(value);
      if (known && t && known !== t) {
        if (known === 'object' || t === 'object')
          return `[1:1] object mapping for [${path}] tried to parse field [${path}] as ${known === 'object' ? 'object, but found a concrete value' : `${known}, but found an object`}`;
        if (known === 'number' && !(t === 'string' && !Number.isNaN(Number(value))))
          return `[1:1] failed to parse field [${path}] of type [long]: For input string: "${String(value)}"`;
        if (known === 'boolean' && !(t === 'string' && (value === 'true' || value === 'false')))
          return `[1:1] failed to parse field [${path}] of type [boolean]`;
      }
    }
    if (typeOf(value) === 'object') {
      for (const [k, v] of Object.entries(value as Doc)) {
        const c = this.clash(index, v, path ? `${path}.${k}` : k);
        if (c) return c;
      }
    }
    return undefined;
  }

  learn(index: string, value: unknown, path = ''): void {
    const t = typeOf(value);
    if (path !== '' && t && !this.fieldTypes.has(`${index}\0${path}`))
      this.fieldTypes.set(`${index}\0${path}`, t);
    if (t === 'object')
      for (const [k, v] of Object.entries(value as Doc)) this.learn(index, v, path ? `${path}.${k}` : k);
  }
}

function typeOf(v: unknown): FieldType | undefined {
  if (Array.isArray(v)) return v.length > 0 ? typeOf(v[0]) : undefined;
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'object') return 'object';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return 'string';
}
