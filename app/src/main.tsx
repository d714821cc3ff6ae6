import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import { bootstrap } from "./bootstrap";
import { Providers } from "./Providers";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);
root.render(
  <p className="loading boot" role="status">
    Loading the deployment…
  </p>,
);

bootstrap().then(
  (app) =>
    root.render(
      <StrictMode>
        <Providers {...app}>
          <App />
        </Providers>
      </StrictMode>,
    ),
  (error: unknown) =>
    root.render(
      <main className="boot">
        <h1>Ecoshare</h1>
        <p className="notice notice-error" role="alert">
          {error instanceof Error ? error.message : String(error)}
        </p>
        <p>
          The app reads the contract addresses from the deployment records served beside it. Deploy first (for the
          local demo: <code>npm run demo</code>), then reload.
        </p>
      </main>,
    ),
);
