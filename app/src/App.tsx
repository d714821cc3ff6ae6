import { ChainGuard } from "./components/ChainGuard";
import { ChainPicker } from "./components/ChainPicker";
import { ConnectButton } from "./components/ConnectButton";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { useDeployment } from "./hooks/useDeployment";
import { useProtocolLogWatcher } from "./hooks/useProtocolLog";
import { useRoute } from "./hooks/useRoute";
import { AgreementsPage } from "./pages/AgreementsPage";
import { AuditPage } from "./pages/AuditPage";
import { CheckoutPage } from "./pages/CheckoutPage";
import { NetworksPage } from "./pages/NetworksPage";
import { PayPage } from "./pages/PayPage";
import { PayoutsPage } from "./pages/PayoutsPage";
import { LOCAL_CHAIN_ID } from "./wagmi/chains";

const NAV = [
  { page: "networks", href: "#/networks", text: "Networks" },
  { page: "agreements", href: "#/agreements", text: "Agreements" },
  { page: "checkout", href: "#/checkout", text: "Checkout" },
  { page: "payouts", href: "#/payouts", text: "Payouts" },
  { page: "audit", href: "#/audit", text: "Audit" },
] as const;

export function App() {
  useProtocolLogWatcher();
  const route = useRoute();
  const { deployment } = useDeployment();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href="#/networks">
          Ecoshare
        </a>
        <nav aria-label="Main">
          {NAV.map((item) => (
            <a key={item.page} href={item.href} aria-current={route.page === item.page ? "page" : undefined}>
              {item.text}
            </a>
          ))}
        </nav>
        <ChainPicker />
        <ConnectButton />
      </header>
      {deployment.chainId === LOCAL_CHAIN_ID ? (
        <p className="devnote">Local demo chain (31337): balances are test money.</p>
      ) : null}
      <ChainGuard />
      <main id="main" tabIndex={-1}>
        <ErrorBoundary key={window.location.hash} what="this page">
        {route.page === "networks" ? <NetworksPage networkId={route.networkId} /> : null}
        {route.page === "agreements" ? <AgreementsPage route={route} /> : null}
        {route.page === "pay" ? <PayPage agreementId={route.agreementId} referrer={route.referrer} /> : null}
        {route.page === "checkout" ? <CheckoutPage referrer={route.referrer} add={route.add} /> : null}
        {route.page === "payouts" ? <PayoutsPage /> : null}
        {route.page === "audit" ? <AuditPage /> : null}
        </ErrorBoundary>
      </main>
    </>
  );
}
