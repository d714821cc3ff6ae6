// `node --import <this file> script.ts`: lets plain Node (type stripping) run TypeScript that imports the
// shared client (client, scripts/demo), whose relative imports name `.js` files as TypeScript's
// convention has it: such an import that finds no `.js` file loads the `.ts` file beside it.
import { register } from "node:module";

const hook = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND" || !/^\\.\\.?\\//.test(specifier) || !specifier.endsWith(".js")) throw error;
    return next(specifier.slice(0, -3) + ".ts", context);
  }
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
