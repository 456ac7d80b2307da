// The circuit's reconnection, the live-connection indicator and the reconnect banner. A dead circuit cannot
// render, so the server cannot tell the user it is gone: this script owns all three on the client.
// HostPage passes appRealtime.reconnectionHandler to Blazor.start, which replaces Blazor's own retry loop
// (that one gives up after maxRetries and only retries early on visibilitychange):
//   - retries forever while the page is visible and the browser online, 1 s doubling to 30 s between tries;
//   - retries at once when the browser comes back online or the tab becomes visible;
//   - one attempt at a time (two overlapping Blazor.reconnect() calls would open two connections);
//   - a server that no longer knows the circuit (it restarted) gets Blazor.resumeCircuit(), then a reload,
//     after appDrafts has kept what the user typed into an open dialog.
// A tab hidden for longer than data-pause-hidden-after-ms (REALTIME_PAUSE_HIDDEN_SECONDS) pauses its circuit
// (Blazor.pauseCircuit(): the server lets it go, so a hidden tab costs nothing) and resumes it when it is shown again;
// the resumed page reads its data afresh, so what changed meanwhile is there. Never while a dialog is open (its input
// lives only in the circuit).
(() => {
    const firstDelayMs = 1000;
    const maxDelayMs = 30000;
    const pauseHiddenAfterMs = Number(document.currentScript?.dataset.pauseHiddenAfterMs ?? 0);

    const titles = {
        connecting: () => "Connecting...",
        connected: () => "Connected",
        reconnecting: (attempt) => `Reconnecting (attempt ${attempt})...`,
        disconnected: () => "Disconnected - click to retry",
        paused: () => "Paused while the tab is hidden",
    };

    let state = "connecting";
    let attempt = 0;       // attempts made since the connection went down
    let down = false;      // between onConnectionDown and onConnectionUp
    let trying = false;    // an attempt is in flight
    let timer = 0;
    let nextAt = 0;        // when the next attempt is due (ms since epoch), 0 when none is scheduled
    let countdown = 0;
    let pauseTimer = 0;
    let paused = false;    // this page paused its circuit because it was hidden; resumed when shown
    let pausing = false;   // Blazor.pauseCircuit() is on its way: a resume waits for it

    /** Delay before attempt n (1-based): 1 s, 2 s, 4 s ... capped at 30 s. */
    function delayBefore(n) {
        return Math.min(firstDelayMs * 2 ** Math.max(0, n - 1), maxDelayMs);
    }

    function bannerText() {
        if (state === "disconnected") return "Connection lost. Waiting for the network...";
        if (trying) return "Connection lost. Reconnecting now...";
        const seconds = Math.max(0, Math.ceil((nextAt - Date.now()) / 1000));
        return `Connection lost. Next try in ${seconds} s.`;
    }

    function apply(next) {
        state = next;
        const title = titles[state](attempt);
        for (const el of document.querySelectorAll(".realtime-indicator")) {
            if (el.dataset.state === "static") continue;
            el.dataset.state = state;
            el.title = title;
            el.setAttribute("aria-label", `Live connection: ${title}`);
        }
        const banner = document.getElementById("shell-reconnect-banner");
        if (banner) {
            banner.dataset.state = state;
            banner.classList.toggle("reconnect-visible", state === "reconnecting" || state === "disconnected");
            const text = banner.querySelector(".reconnect-text");
            if (text) text.textContent = bannerText();
        }
    }

    function canTry() {
        return document.visibilityState === "visible" && navigator.onLine !== false;
    }

    function schedule() {
        clearTimeout(timer);
        clearInterval(countdown);
        if (!down) return;
        if (!canTry()) {
            // Hidden or offline: wait for visibilitychange / online instead of spinning.
            nextAt = 0;
            apply(navigator.onLine === false ? "disconnected" : "reconnecting");
            return;
        }
        const delay = delayBefore(attempt + 1);
        nextAt = Date.now() + delay;
        timer = setTimeout(tryNow, delay);
        countdown = setInterval(() => apply(state), 1000);
        apply("reconnecting");
    }

    async function tryNow() {
        if (!down || trying) return;
        clearTimeout(timer);
        clearInterval(countdown);
        trying = true;
        attempt++;
        apply("reconnecting");
        let outcome;
        try {
            outcome = await Blazor.reconnect() ? "up" : "refused";
        } catch {
            outcome = "unreachable";
        }
        if (outcome === "refused") {
            // The server answered but does not know this circuit: try to resume it from persisted state.
            try {
                if (await Blazor.resumeCircuit()) outcome = "up";
            } catch {
                // fall through to reload
            }
        }
        trying = false;
        if (outcome === "up") {
            connected();
        } else if (outcome === "refused") {
            rejected();
        } else {
            schedule();
        }
    }

    function connected() {
        down = false;
        attempt = 0;
        nextAt = 0;
        clearTimeout(timer);
        clearInterval(countdown);
        apply("connected");
    }

    function rejected() {
        down = false;
        window.appDrafts?.save();
        location.reload();
    }

    function schedulePause() {
        clearTimeout(pauseTimer);
        if (pauseHiddenAfterMs > 0 && document.visibilityState === "hidden") pauseTimer = setTimeout(pauseIfStillHidden, pauseHiddenAfterMs);
    }

    async function pauseIfStillHidden() {
        if (document.visibilityState !== "hidden" || down || paused) return;
        if (document.querySelector(".mud-dialog-container")) {
            schedulePause(); // a dialog's input would be lost: check again later
            return;
        }
        paused = true;
        pausing = true;
        try {
            if (!await Blazor.pauseCircuit()) paused = false;
        } catch {
            paused = false;
        }
        pausing = false;
        if (paused) apply("paused");
        // Shown again while the pause was being made: resume at once.
        if (paused && document.visibilityState === "visible") resumeFromPause();
    }

    async function resumeFromPause() {
        if (!paused || pausing || trying) return;
        trying = true;
        apply("connecting");
        let ok = false;
        try {
            ok = await Blazor.resumeCircuit();
        } catch {
            ok = false;
        }
        trying = false;
        paused = false;
        if (ok) connected(); else rejected();
    }

    /** Blazor's ReconnectionHandler contract (CircuitStartOptions.reconnectionHandler). */
    const reconnectionHandler = {
        onConnectionDown(_options, _error, isClientPause) {
            // A pause for a hidden tab: it resumes when shown (resumeFromPause), not through the retries.
            if (isClientPause && paused) return;
            if (down) return;
            down = true;
            attempt = 0;
            if (isClientPause) {
                // A pause this page asked for: Blazor.resumeCircuit() is the way back, handled like a refusal.
                trying = true;
                Blazor.resumeCircuit().then(ok => { trying = false; ok ? connected() : rejected(); }, () => { trying = false; rejected(); });
                apply("reconnecting");
                return;
            }
            schedule();
        },
        onConnectionUp() {
            connected();
        },
    };

    function start() {
        const banner = document.getElementById("shell-reconnect-banner");
        banner?.querySelector(".reconnect-retry")?.addEventListener("click", tryNow);
        document.addEventListener("click", (e) => {
            // Red means not live: a click on the dot tries now instead of waiting for the next scheduled try.
            if (e.target.closest?.(".realtime-indicator") && down) tryNow();
        });
        window.addEventListener("online", () => { if (down) tryNow(); });
        window.addEventListener("offline", () => { if (down && !trying) schedule(); });
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "visible") {
                clearTimeout(pauseTimer);
                if (paused) resumeFromPause();
            } else if (!down) {
                schedulePause();
            }
            if (!down || trying) return;
            if (document.visibilityState === "visible") tryNow(); else schedule();
        });
        // Re-apply after enhanced navigations and re-renders replace the indicator element.
        new MutationObserver(() => {
            if (state === "connecting" || state === "connected") return;
            for (const el of document.querySelectorAll(".realtime-indicator")) {
                if (el.dataset.state !== "static" && el.dataset.state !== state) apply(state);
            }
        }).observe(document.body, { childList: true, subtree: true });
    }

    window.appRealtime = {
        get state() { return state; },
        get attempt() { return attempt; },
        get paused() { return paused; },
        delayBefore,
        retry: tryNow,
        reconnectionHandler,
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
