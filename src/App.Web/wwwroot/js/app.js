// Small helpers the shell calls through JS interop.
window.appShell = {
    // The account menu's "Sign out": a full page load to the static sign-out page, which posts the form at once.
    signOut() {
        sessionStorage.setItem("app.signOut", "1");
        location.assign("/Account/SignOut");
    },

    // Focus the new page's heading for screen readers (FocusHeadingOnNavigate), unless the user is typing into a field
    // or working in a dialog: the call can arrive well after the page appeared, and must not take their focus away.
    focusHeading() {
        const active = document.activeElement;
        if (active && active !== document.body
            && (active.matches("input, textarea, select, [contenteditable]") || active.closest("[role=dialog], .mud-dialog"))) return;
        const heading = document.querySelector("h1");
        if (!heading) return;
        if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
        heading.focus();
    },
};

(() => {
    function submitRequestedSignOut() {
        const form = document.getElementById("sign-out-confirm");
        if (!form || sessionStorage.getItem("app.signOut") !== "1") return;
        sessionStorage.removeItem("app.signOut");
        form.submit();
    }
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", submitRequestedSignOut);
    else submitRequestedSignOut();
})();

// What the user typed into an open dialog, kept across the reload that follows a rejected circuit (the server
// restarted and no longer knows this page). A dialog opts in with data-draft="<key>" on an element around its
// fields; its page takes the draft back after the reload and reopens the dialog with it. Passwords are never kept.
window.appDrafts = {
    save() {
        const roots = document.querySelectorAll("[data-draft]");
        if (roots.length === 0) return;
        const root = roots[roots.length - 1]; // the top-most dialog
        const fields = {};
        for (const input of root.querySelectorAll("input[id], textarea[id]")) {
            if (input.type === "password" || input.type === "hidden") continue;
            fields[input.id] = input.value;
        }
        sessionStorage.setItem("app.draft:" + location.pathname, JSON.stringify({ key: root.dataset.draft, fields }));
    },

    // The saved JSON text as it is: the server reads it (DialogDraft.TakeAsync).
    take() {
        const storageKey = "app.draft:" + location.pathname;
        const saved = sessionStorage.getItem(storageKey);
        sessionStorage.removeItem(storageKey);
        return saved;
    },
};

// The theme: <html data-theme="system|light|dark"> drives the stylesheets (see Shell/ThemePreference.cs); the cookie
// lets the server render the same choice on the next page.
window.appTheme = {
    choices: ["system", "light", "dark"],

    get() {
        return document.documentElement.dataset.theme || "system";
    },

    set(choice) {
        if (!this.choices.includes(choice)) return;
        document.documentElement.dataset.theme = choice;
        document.cookie = `app.theme=${choice}; path=/; max-age=31536000; samesite=lax`;
    },
};

// Static pages have no circuit: their theme button cycles through the choices here, and a signed-in user's choice is
// posted to the server (the page renders #theme-save with an antiforgery token only for them) so it follows them.
document.addEventListener("click", (e) => {
    if (!e.target.closest?.("[data-theme-cycle]")) return;
    const { choices } = window.appTheme;
    const choice = choices[(choices.indexOf(window.appTheme.get()) + 1) % choices.length];
    window.appTheme.set(choice);
    const form = document.getElementById("theme-save");
    if (!form) return;
    const body = new FormData(form);
    body.set("theme", choice);
    // One save at a time, in click order: two quick clicks must not let the first choice land last.
    themeSaves = themeSaves
        .then(() => fetch(form.action, { method: "POST", body, credentials: "same-origin" }))
        .then((r) => { if (!r.ok) console.warn(`theme not saved: HTTP ${r.status}`); })
        .catch(() => console.warn("theme not saved: offline"));
});
let themeSaves = Promise.resolve();

// MudBlazor 9's dialog focus trap parks focus on an invisible element of its own once a dialog has rendered (whatever
// its DefaultFocus). A dialog field marked data-initial-focus takes that focus instead, so typing starts there at once;
// the field is focused before anything else, so it never blurs empty (which would show "required" too early).
document.addEventListener("focusin", (e) => {
    const target = e.target;
    if (!(target instanceof HTMLElement) || !target.classList.contains("pointer-events-none")) return;
    target.closest(".mud-focus-trap")?.querySelector("input[data-initial-focus], [data-initial-focus] input, [data-initial-focus] textarea")?.focus();
});

// The shell's drawer (Shell/ShellLayout.razor) is plain markup; below 960 px it covers the page with an overlay that closes
// it on a click. Following one of its links there, or narrowing the window while it is open, closes it the same way (as
// MudDrawer did), so the page the user went to is not left covered. Wider, it sits beside the page and stays open.
(() => {
    const narrow = window.matchMedia("(max-width: 959.98px)");
    const closeOverlay = () => { if (narrow.matches) document.getElementById("shell-drawer-overlay")?.click(); };
    document.addEventListener("click", (e) => { if (e.target.closest?.("#shell-drawer a[href]")) closeOverlay(); });
    narrow.addEventListener("change", closeOverlay);
})();
