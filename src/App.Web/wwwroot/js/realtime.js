// Drives the live-connection indicator and the reconnect banner from Blazor's client-side reconnect events:
// a dead circuit cannot render, so the server cannot tell the user it is gone.
(() => {
    const titles = {
        connecting: () => "Connecting...",
        connected: () => "Connected",
        reconnecting: (attempt) => `Reconnecting (attempt ${attempt})...`,
        disconnected: () => "Disconnected - click to retry",
    };
    let state = "connecting";
    let attempt = 0;

    function apply(next, nextAttempt) {
        state = next;
        attempt = nextAttempt ?? attempt;
        const title = titles[state](attempt);
        for (const el of document.querySelectorAll(".realtime-indicator")) {
            el.dataset.state = state;
            el.title = title;
            el.setAttribute("aria-label", `Live connection: ${title}`);
        }
        const banner = document.getElementById("components-reconnect-modal");
        if (banner) {
            banner.dataset.state = state;
            const text = banner.querySelector(".reconnect-text");
            if (text) text.textContent = state === "disconnected"
                ? "Connection lost. Click Retry or reload the page."
                : `Connection lost. Reconnecting (attempt ${attempt})...`;
        }
    }

    async function retry() {
        try {
            const reconnected = await Blazor.reconnect();
            // false: the server is up but no longer knows this circuit (e.g. it restarted): start afresh.
            if (!reconnected) location.reload();
        } catch {
            apply("disconnected");
        }
    }

    function onReconnectState(event) {
        const detail = event.detail || {};
        switch (detail.state) {
            case "show": apply("reconnecting", 1); break;
            case "retrying": apply("reconnecting", detail.currentAttempt || attempt + 1); break;
            case "hide": apply("connected", 0); break;
            case "failed":
            case "paused":
            case "resume-failed": apply("disconnected"); break;
            case "rejected": location.reload(); break;
        }
    }

    function start() {
        const banner = document.getElementById("components-reconnect-modal");
        banner?.addEventListener("components-reconnect-state-changed", onReconnectState);
        banner?.querySelector(".reconnect-retry")?.addEventListener("click", retry);
        document.addEventListener("click", (e) => {
            const indicator = e.target.closest?.(".realtime-indicator");
            // Red means not live, whether Blazor is still retrying or has given up: either way a click tries now.
            if (indicator && (state === "disconnected" || state === "reconnecting")) retry();
        });
        // Re-apply after enhanced navigations and re-renders replace the indicator element.
        new MutationObserver(() => {
            if (state === "connecting" || state === "connected") return;
            for (const el of document.querySelectorAll(".realtime-indicator")) {
                if (el.dataset.state !== state) apply(state);
            }
        }).observe(document.body, { childList: true, subtree: true });
    }

    window.appRealtime = { get state() { return state; }, retry };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
