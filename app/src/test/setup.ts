// Component tests opt into jsdom with `// @vitest-environment jsdom`; clean the DOM between them.
import { afterEach } from "vitest";

afterEach(async () => {
  if (typeof document !== "undefined") {
    const { cleanup } = await import("@testing-library/react");
    cleanup();
    localStorage.clear();
  }
});
