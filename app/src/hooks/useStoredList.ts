import { useEffect, useState } from "react";

/**
 * A list kept in this browser's storage (collected signatures, signed counter-proposals), read again when
 * this tab adds to it ("ecoshare-signatures") or another tab does ("storage").
 */
export function useStoredList<T>(read: () => T[], key: string): T[] {
  const [list, setList] = useState(read);
  useEffect(() => {
    const update = () => setList(read());
    update();
    window.addEventListener("ecoshare-signatures", update);
    window.addEventListener("storage", update);
    return () => {
      window.removeEventListener("ecoshare-signatures", update);
      window.removeEventListener("storage", update);
    };
    // `read` is a new closure each render; `key` names what it reads.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return list;
}
