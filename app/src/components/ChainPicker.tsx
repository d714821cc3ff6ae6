/**
 * The chain the app works on, among every chain that has a deployment record. Choosing another reloads the
 * app on it (`?chain=<id>`): the wallet layer and the development wallet are built for one chain at start.
 */
import { useDeployment } from "../hooks/useDeployment";
import { chainFor } from "../wagmi/chains";

/** The URL that opens the app on `chainId`, keeping the page (the hash route). */
export function urlForChain(current: string, chainId: number): string {
  const url = new URL(current);
  url.searchParams.set("chain", String(chainId));
  return url.toString();
}

export function ChainPicker() {
  const { deployment, chains } = useDeployment();
  const list = chains && chains.length > 0 ? chains : [chainFor(deployment.chainId)];
  if (list.length === 1) {
    return <span className="chain-name" title={`Chain id ${list[0]!.id}`}>{list[0]!.name}</span>;
  }
  return (
    <label className="chain-picker">
      <span className="sr-only">Chain</span>
      <select
        aria-label="Chain"
        value={deployment.chainId}
        onChange={(event) => window.location.assign(urlForChain(window.location.href, Number(event.target.value)))}
      >
        {list.map((chain) => (
          <option key={chain.id} value={chain.id}>
            {chain.name}
          </option>
        ))}
      </select>
    </label>
  );
}
