// The host page's side of the checkout: listen to the element's events (no inline script, so the page
// keeps its strict content security policy).
const status = document.getElementById("booking-status");

function show(text, kind) {
  status.hidden = false;
  status.textContent = text;
  status.className = `booking-status booking-status-${kind}`;
}

document.addEventListener("ecoshare-paid", (event) => {
  const { txHash, orderRef, lines } = event.detail;
  show(`Booked: ${lines.length} items paid in one transaction (${txHash.slice(0, 10)}…), booking ${orderRef}. See you soon!`, "ok");
});

document.addEventListener("ecoshare-failed", (event) => {
  show(`Not booked: ${event.detail.reason}`, "error");
});
