/** A path as people want to read it: relative when it is inside the current folder, absolute otherwise. */
import path from "node:path";

export function displayPath(target: string): string {
  const relative = path.relative(process.cwd(), target);
  return relative === "" ? "." : relative.startsWith("..") || path.isAbsolute(relative) ? path.resolve(target) : relative;
}
