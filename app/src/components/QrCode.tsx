/** A QR code of `text` as an inline SVG (the `qr` library encodes; React draws one path, no canvas). */
import { useMemo } from "react";
import encodeQR from "qr";

export function QrCode({ text, label, size = 192 }: { text: string; label: string; size?: number }) {
  const { path, modules } = useMemo(() => qrPath(text), [text]);
  return (
    <svg
      className="qr"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${modules} ${modules}`}
      shapeRendering="crispEdges"
      data-testid="qr-code"
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

/** The dark modules of `text`'s QR code as one SVG path of horizontal runs, and the code's width in modules. */
export function qrPath(text: string): { path: string; modules: number } {
  // Medium error correction survives a phone camera on a screen; a 2-module quiet zone keeps scanners happy.
  const grid = encodeQR(text, "raw", { ecc: "medium", border: 2 });
  let path = "";
  grid.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) {
      if (!row[x]) continue;
      const start = x;
      while (row[x + 1]) x++;
      path += `M${start} ${y}h${x - start + 1}v1h-${x - start + 1}z`;
    }
  });
  return { path, modules: grid.length };
}
