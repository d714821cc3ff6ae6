/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** The indexer to read pages from (e.g. http://127.0.0.1:42069); overrides the deployment record's `indexerUrl`. */
  readonly VITE_ECOSHARE_INDEXER_URL?: string;
}
