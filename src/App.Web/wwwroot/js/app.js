// Small helpers the shell calls through JS interop.
window.appShell = {
    submit(formId) {
        const form = document.getElementById(formId);
        if (form) form.submit();
    },
};
