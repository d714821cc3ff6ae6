// The partner page's own script in the end-to-end tests: it listens to the checkout's events, as a host page
// would, and shows them (and keeps them on window.__hostEvents for the test).
window.__hostEvents = [];
for (const name of ["ecoshare-ready", "ecoshare-paid", "ecoshare-failed"]) {
  document.addEventListener(name, (event) => {
    window.__hostEvents.push({ type: name, detail: event.detail });
    const log = document.getElementById("events");
    if (log) log.textContent += `${name}: ${JSON.stringify(event.detail)}\n`;
  });
}
