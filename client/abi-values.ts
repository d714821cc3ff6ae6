/**
 * One shape for every ABI-decoded value, whether it comes from an event or a view: integers of up to
 * 32 bits (enums, basis points, versions) as numbers, wider ones as bigints, structs as objects keyed
 * by field name, addresses checksummed (as viem decodes them).
 */
import type { AbiParameter } from "viem";

/** The widest integers given as numbers: enums, basis points, versions, periods in seconds. */
const NUMBER_BITS = 32;

/** The width of an ABI integer type (`uint16` is 16, `int` 256), or undefined for any other type. */
export function integerBits(type: string): number | undefined {
  const bits = /^u?int(\d*)$/.exec(type)?.[1];
  return bits === undefined ? undefined : Number(bits || "256");
}

/** Whether an integer of `type` is given as a number (up to 32 bits) rather than a bigint. */
export function isNumberInteger(type: string): boolean {
  const bits = integerBits(type);
  return bits !== undefined && bits <= NUMBER_BITS;
}

/** Maps a value viem decoded for `parameter` to plain JavaScript: numbers up to 32 bits, bigints above, objects for structs. */
export function normaliseValue(parameter: AbiParameter, value: unknown): unknown {
  const array = /^(.*)\[\d*\]$/.exec(parameter.type);
  if (array !== null) {
    const element = { ...parameter, type: array[1]! } as AbiParameter;
    return (value as readonly unknown[]).map((v) => normaliseValue(element, v));
  }
  if (parameter.type === "tuple") {
    const components = "components" in parameter ? parameter.components : [];
    // viem gives a struct as an object when every field is named, as an array otherwise.
    const fieldOf = (c: AbiParameter, i: number) => (Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[c.name ?? ""]);
    return Object.fromEntries(components.map((c, i) => [c.name, normaliseValue(c, fieldOf(c, i))]));
  }
  if (integerBits(parameter.type) !== undefined) return isNumberInteger(parameter.type) ? Number(value) : BigInt(value as bigint | number);
  return value;
}
