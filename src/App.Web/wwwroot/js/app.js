// Small helpers the shell calls through JS interop.
window.appShell = {
    // The account menu's "Sign out": a full page load to the static sign-out page, which posts the form at once.
    signOut() {
        sessionStorage.setItem("app.signOut", "1");
        location.assign("/Account/SignOut");
    },

    // Focus the new page's heading for screen readers (FocusHeadingOnNavigate), unless the user is typing into a field
    // or working in a dialog: the call can arrive well after the page appeared, and must not take their focus away.
    focusHeading(selector) {
        const active = document.activeElement;
        if (active && active !== document.body
            && (active.matches("input, textarea, select, [contenteditable]") || active.closest("[role=dialog], .mud-dialog"))) return;
        const heading = document.querySelector(selector);
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

    take() {
        const storageKey = "app.draft:" + location.pathname;
        const saved = sessionStorage.getItem(storageKey);
        sessionStorage.removeItem(storageKey);
        return saved ? JSON.parse(saved) : null;
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

// Static pages have no circuit: their theme button cycles through the choices here.
document.addEventListener("click", (e) => {
    if (!e.target.closest?.("[data-theme-cycle]")) return;
    const { choices } = window.appTheme;
    window.appTheme.set(choices[(choices.indexOf(window.appTheme.get()) + 1) % choices.length]);
});
