/**
 * One shape for every ABI-decoded value, whether it comes from an event or a view: integers of up to
 * 32 bits (enums, basis points, versions) as numbers, wider ones as bigints, structs as objects keyed
 * by field name, addresses as ethers returns them (checksummed).
 */
import type { ParamType } from "ethers";

/** Maps an ABI-decoded value to plain JavaScript: numbers up to 32 bits, bigints above, objects for structs. */
export function normaliseValue(type: ParamType, value: unknown): unknown {
  if (type.baseType === "tuple") {
    const components = type.components ?? [];
    const values = value as readonly unknown[];
    return Object.fromEntries(components.map((c, i) => [c.name, normaliseValue(c, values[i])]));
  }
  if (type.baseType === "array") {
    const child = type.arrayChildren;
    if (child === null) throw new Error(`Array type ${type.format()} has no element type.`);
    return (value as readonly unknown[]).map((v) => normaliseValue(child, v));
  }
  if (type.baseType.startsWith("uint") || type.baseType.startsWith("int")) {
    const bits = Number(type.baseType.replace(/^u?int/, "") || "256");
    return bits <= 32 ? Number(value) : BigInt(value as bigint);
  }
  return value;
}
