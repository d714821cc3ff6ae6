/** The contracts' typed ABIs, generated once for the whole project from the Hardhat artifacts. */
export { ecoshareAbi, mockStablecoinAbi } from "../../../client/abis.generated.js";
